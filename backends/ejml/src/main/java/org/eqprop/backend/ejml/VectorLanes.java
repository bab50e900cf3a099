package org.eqprop.backend.ejml;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Lanes} on the JDK's Vector API ({@code jdk.incubator.vector}), at the widest vector the
 * CPU has: the relaxation's loops with one sample per vector lane ({@link #inputs} keeps the
 * inputs of {@value #TILE} units in registers over the weight rows, each broadcast weight serving
 * a whole block of samples), the step and the energy, element-wise work and Adam's update. Only
 * loaded when the JVM was started with {@code --add-modules jdk.incubator.vector}; see {@link
 * EjmlBackendProvider}. The products are {@link VectorGemm}'s.
 */
final class VectorLanes implements Lanes {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final float TINY = Lanes.TINY;
  /** Units of a layer whose inputs {@link #inputs} keeps in registers at once. */
  static final int TILE = 12;
  /** {@link #inputs} skips the rows of zeros for layers of at least this many tiles. */
  static final int SKIP_TILES = 4;
  private static final VectorSpecies<Integer> I = S.withLanes(int.class);
  /** Per thread: where {@link #stepTile} marks values that are NaN or infinite. */
  private final ThreadLocal<float[]> flags = ThreadLocal.withInitial(() -> new float[L]);
  /** Per thread: the rows of each of its two matrices {@link #inputs} reads when it skips rows of zeros. */
  private final ThreadLocal<int[][]> rowLists =
      ThreadLocal.withInitial(() -> new int[][] {new int[0], new int[0]});

  @Override
  public void axpy(float a, float[] x, int xo, float[] y, int yo, int n) {
    FloatVector va = FloatVector.broadcast(S, a);
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      FloatVector.fromArray(S, x, xo + i)
          .fma(va, FloatVector.fromArray(S, y, yo + i))
          .intoArray(y, yo + i);
    }
    for (; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  @Override
  public void addRow(float[] x, int xo, float[] y, int yo, int n) {
    int i = 0;
    for (; i + L <= n; i += L) {
      FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(y, yo + i);
    }
    // a row narrower than the widest vector goes through 8 and 4 lanes before the scalar tail
    if (L > 8 && i + 8 <= n) {
      FloatVector.fromArray(FloatVector.SPECIES_256, x, xo + i)
          .add(FloatVector.fromArray(FloatVector.SPECIES_256, y, yo + i)).intoArray(y, yo + i);
      i += 8;
    }
    if (L > 4 && i + 4 <= n) {
      FloatVector.fromArray(FloatVector.SPECIES_128, x, xo + i)
          .add(FloatVector.fromArray(FloatVector.SPECIES_128, y, yo + i)).intoArray(y, yo + i);
      i += 4;
    }
    for (; i < n; i++) {
      y[yo + i] += x[xo + i];
    }
  }

  /**
   * Column chunk by column chunk of {@code 4L}, so that the chunk of every row of {@code w} a
   * position reads stays in the first-level cache for the next position; four accumulators in
   * registers over a position's rows.
   */
  @Override
  public void combineRows(float[] w, int n, int[] row, float[] val, int[] count, int stride, int outRows,
      float[] out) {
    int i = 0;
    for (; i + 4 * L <= n; i += 4 * L) {
      for (int r = 0; r < outRows; r++) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        for (int q = r * stride, end = q + count[r]; q < end; q++) {
          FloatVector v = FloatVector.broadcast(S, val[q]);
          int wo = row[q] * n + i;
          a0 = v.fma(FloatVector.fromArray(S, w, wo), a0);
          a1 = v.fma(FloatVector.fromArray(S, w, wo + L), a1);
          a2 = v.fma(FloatVector.fromArray(S, w, wo + 2 * L), a2);
          a3 = v.fma(FloatVector.fromArray(S, w, wo + 3 * L), a3);
        }
        int o = r * n + i;
        a0.intoArray(out, o);
        a1.intoArray(out, o + L);
        a2.intoArray(out, o + 2 * L);
        a3.intoArray(out, o + 3 * L);
      }
    }
    for (; i + L <= n; i += L) {
      for (int r = 0; r < outRows; r++) {
        FloatVector a = FloatVector.zero(S);
        for (int q = r * stride, end = q + count[r]; q < end; q++) {
          a = FloatVector.broadcast(S, val[q]).fma(FloatVector.fromArray(S, w, row[q] * n + i), a);
        }
        a.intoArray(out, r * n + i);
      }
    }
    for (; i < n; i++) {
      for (int r = 0; r < outRows; r++) {
        float a = 0f;
        for (int q = r * stride, end = q + count[r]; q < end; q++) {
          a = Math.fma(val[q], w[row[q] * n + i], a);
        }
        out[r * n + i] = a;
      }
    }
  }

  @Override
  public int block() {
    return L;
  }

  @Override
  public int padded(int n) {
    return (n + TILE - 1) / TILE * TILE;
  }

  @Override
  public void arrange(float[] w, int rows, int cols, boolean transpose, float[] out) {
    // M = w or wᵀ, r × c; tile t holds M's columns t·TILE … in rows of TILE, one after the other
    int r = transpose ? cols : rows;
    int c = transpose ? rows : cols;
    for (int t0 = 0, o = 0; t0 < c; t0 += TILE, o += r * TILE) {
      int width = Math.min(TILE, c - t0);
      for (int q = 0; q < r; q++) {
        int at = o + q * TILE;
        if (transpose) {
          for (int i = 0; i < width; i++) {
            out[at + i] = w[(t0 + i) * cols + q];
          }
        } else {
          System.arraycopy(w, q * cols + t0, out, at, width);
        }
        java.util.Arrays.fill(out, at + width, at + TILE, 0f);
      }
    }
  }

  @Override
  public void gather(float[] from, int i, int count, int units, float[] to) {
    // plain loops over tiles of L units (the block's tile, 1 KB, stays in the first-level cache),
    // whole tiles with a constant trip count (20% faster): the Vector API's gather is not always
    // compiled to one, and then boxes every vector it loads
    int j0 = 0;
    for (; j0 + L <= units; j0 += L) {
      for (int r = 0; r < L; r++) {
        int row = (i + Math.min(r, count - 1)) * units + j0;
        int o = j0 * L + r;
        for (int jj = 0; jj < L; jj++) {
          to[o + jj * L] = from[row + jj];
        }
      }
    }
    for (; j0 < units; j0++) {
      for (int r = 0; r < L; r++) {
        to[j0 * L + r] = from[(i + Math.min(r, count - 1)) * units + j0];
      }
    }
    java.util.Arrays.fill(to, units * L, to.length, 0f);
  }

  @Override
  public void scatter(float[] from, int units, float[] to, int i, int count) {
    int j0 = 0;
    for (; j0 + L <= units; j0 += L) {
      for (int r = 0; r < count; r++) {
        int row = (i + r) * units + j0;
        int o = j0 * L + r;
        for (int jj = 0; jj < L; jj++) {
          to[row + jj] = from[o + jj * L];
        }
      }
    }
    for (; j0 < units; j0++) {
      for (int r = 0; r < count; r++) {
        to[(i + r) * units + j0] = from[j0 * L + r];
      }
    }
  }

  @Override
  public void clip01(float[] x, float[] out, int n) {
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      FloatVector.fromArray(S, x, i).max(0f).min(1f).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = Lanes.clip01(x[i]);
    }
  }

  @Override
  public void contrastRow(float[] a, float[] b, int o, int n, float[] sum, int so, float[] rhoA, float[] rhoB,
      float[] diff) {
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      FloatVector ra = FloatVector.fromArray(S, a, o + i).max(0f).min(1f);
      FloatVector rb = FloatVector.fromArray(S, b, o + i).max(0f).min(1f);
      ra.intoArray(rhoA, o + i);
      rb.intoArray(rhoB, o + i);
      FloatVector d = ra.sub(rb);
      d.add(FloatVector.fromArray(S, sum, so + i)).intoArray(sum, so + i);
      if (diff != null) {
        d.intoArray(diff, o + i);
      }
    }
    Lanes.contrastRow(a, b, o, i, n, sum, so, rhoA, rhoB, diff);
  }

  @Override
  public boolean skipsZeroRows(int cols) {
    return cols >= SKIP_TILES * TILE;
  }

  @Override
  public void difference(float[] a, float[] b, float[] out, int n) {
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      FloatVector.fromArray(S, a, i).sub(FloatVector.fromArray(S, b, i)).intoArray(out, i);
    }
    for (; i < n; i++) {
      out[i] = a[i] - b[i];
    }
  }

  @Override
  public void addPerUnit(float[] add, int units, float[] to) {
    for (int j = 0; j < units; j++) {
      FloatVector.fromArray(S, to, j * L).add(add[j]).intoArray(to, j * L);
    }
  }

  @Override
  public void inputs(float[] base, float[] vDown, float[] mDown, int downRows, float[] vUp, float[] mUp,
      int upRows, int cols, float[] out, float[] keep, float[] s, float[] y, float beta, float eps) {
    if (cols % TILE != 0) {
      throw new IllegalArgumentException(cols + " units are not padded to " + TILE);
    }
    float[] flag = s == null ? null : flags.get();
    if (flag != null) {
      java.util.Arrays.fill(flag, 0f);
    }
    if (skipsZeroRows(cols)) {
      // a row whose values are 0 in every lane adds nothing: hard-sigmoid layers leave a quarter to
      // a half of their units at 0 in every sample of a block (docs/benchmarks.md); looking costs
      // about what a tile's pass over the row does, so only a layer of several tiles looks
      int[][] lists = rowLists.get();
      if (lists[0].length < downRows || lists[1].length < upRows) {
        lists[0] = new int[Math.max(downRows, lists[0].length)];
        lists[1] = new int[Math.max(upRows, lists[1].length)];
      }
      int downs = nonzeroRows(vDown, downRows, lists[0]);
      int ups = nonzeroRows(vUp, upRows, lists[1]);
      listedTiles(base, vDown, mDown, downRows, lists[0], downs, vUp, mUp, upRows, lists[1], ups, cols, out, keep,
          s, y, beta, eps, flag);
    } else {
      tiles(base, vDown, mDown, downRows, vUp, mUp, upRows, cols, out, keep, s, y, beta, eps, flag);
    }
    if (s != null) {
      for (int r = 0; r < L; r++) {
        if (Float.isNaN(flag[r])) {
          // a NaN or an infinity, which the integer clip gets wrong: again with the floating-point one
          if (keep != null) {
            System.arraycopy(keep, 0, out, 0, cols * L); // base may be keep, and hold p already
          } else {
            inputs(base, vDown, mDown, downRows, vUp, mUp, upRows, cols, out, null, null, null, 0f, 0f);
          }
          stepTile(s, y, beta, eps, out, 0, cols * L, flag, true);
          break;
        }
      }
    }
  }

  /**
   * {@link #inputs} over every row, each by its own index (through a list of all rows, {@code
   * paper-1h}'s free phase took 3–12% longer: {@code TrainStepBenchmark.freePhase}).
   */
  private static void tiles(float[] base, float[] vDown, float[] mDown, int downRows, float[] vUp, float[] mUp,
      int upRows, int cols, float[] out, float[] keep, float[] s, float[] y, float beta, float eps, float[] flag) {
    for (int j = 0; j < cols; j += TILE) {
      // the inputs of TILE units for the block's L samples stay in registers over both matrices' rows
      int o = j * L;
      FloatVector a0 = FloatVector.fromArray(S, base, o + 0 * L);
      FloatVector a1 = FloatVector.fromArray(S, base, o + 1 * L);
      FloatVector a2 = FloatVector.fromArray(S, base, o + 2 * L);
      FloatVector a3 = FloatVector.fromArray(S, base, o + 3 * L);
      FloatVector a4 = FloatVector.fromArray(S, base, o + 4 * L);
      FloatVector a5 = FloatVector.fromArray(S, base, o + 5 * L);
      FloatVector a6 = FloatVector.fromArray(S, base, o + 6 * L);
      FloatVector a7 = FloatVector.fromArray(S, base, o + 7 * L);
      FloatVector a8 = FloatVector.fromArray(S, base, o + 8 * L);
      FloatVector a9 = FloatVector.fromArray(S, base, o + 9 * L);
      FloatVector a10 = FloatVector.fromArray(S, base, o + 10 * L);
      FloatVector a11 = FloatVector.fromArray(S, base, o + 11 * L);
      for (int q = 0; q < downRows; q++) {
        FloatVector x = FloatVector.fromArray(S, vDown, q * L);
        int w = j * downRows + q * TILE; // tile j / TILE, row q (see arrange)
        a0 = x.fma(FloatVector.broadcast(S, mDown[w + 0]), a0);
        a1 = x.fma(FloatVector.broadcast(S, mDown[w + 1]), a1);
        a2 = x.fma(FloatVector.broadcast(S, mDown[w + 2]), a2);
        a3 = x.fma(FloatVector.broadcast(S, mDown[w + 3]), a3);
        a4 = x.fma(FloatVector.broadcast(S, mDown[w + 4]), a4);
        a5 = x.fma(FloatVector.broadcast(S, mDown[w + 5]), a5);
        a6 = x.fma(FloatVector.broadcast(S, mDown[w + 6]), a6);
        a7 = x.fma(FloatVector.broadcast(S, mDown[w + 7]), a7);
        a8 = x.fma(FloatVector.broadcast(S, mDown[w + 8]), a8);
        a9 = x.fma(FloatVector.broadcast(S, mDown[w + 9]), a9);
        a10 = x.fma(FloatVector.broadcast(S, mDown[w + 10]), a10);
        a11 = x.fma(FloatVector.broadcast(S, mDown[w + 11]), a11);
      }
      // the same loop again, for the other matrix: one loop over both, choosing the arrays per
      // pass, made C2 box every vector (20 steps at batch 256: 42 ms instead of 2)
      for (int q = 0; q < upRows; q++) {
        FloatVector x = FloatVector.fromArray(S, vUp, q * L);
        int w = j * upRows + q * TILE;
        a0 = x.fma(FloatVector.broadcast(S, mUp[w + 0]), a0);
        a1 = x.fma(FloatVector.broadcast(S, mUp[w + 1]), a1);
        a2 = x.fma(FloatVector.broadcast(S, mUp[w + 2]), a2);
        a3 = x.fma(FloatVector.broadcast(S, mUp[w + 3]), a3);
        a4 = x.fma(FloatVector.broadcast(S, mUp[w + 4]), a4);
        a5 = x.fma(FloatVector.broadcast(S, mUp[w + 5]), a5);
        a6 = x.fma(FloatVector.broadcast(S, mUp[w + 6]), a6);
        a7 = x.fma(FloatVector.broadcast(S, mUp[w + 7]), a7);
        a8 = x.fma(FloatVector.broadcast(S, mUp[w + 8]), a8);
        a9 = x.fma(FloatVector.broadcast(S, mUp[w + 9]), a9);
        a10 = x.fma(FloatVector.broadcast(S, mUp[w + 10]), a10);
        a11 = x.fma(FloatVector.broadcast(S, mUp[w + 11]), a11);
      }
      a0.intoArray(out, o + 0 * L);
      a1.intoArray(out, o + 1 * L);
      a2.intoArray(out, o + 2 * L);
      a3.intoArray(out, o + 3 * L);
      a4.intoArray(out, o + 4 * L);
      a5.intoArray(out, o + 5 * L);
      a6.intoArray(out, o + 6 * L);
      a7.intoArray(out, o + 7 * L);
      a8.intoArray(out, o + 8 * L);
      a9.intoArray(out, o + 9 * L);
      a10.intoArray(out, o + 10 * L);
      a11.intoArray(out, o + 11 * L);
      if (keep != null) {
        System.arraycopy(out, o, keep, o, TILE * L);
      }
      if (s != null) {
        // the step reads the inputs back while they are in the first-level cache
        stepTile(s, y, beta, eps, out, o, o + TILE * L, flag, false);
      }
    }
  }

  /**
   * {@link #inputs} over the rows listed in {@code downList[0 … downs)} and {@code upList[0 … ups)}
   * only. A method of its own: a version choosing between a list and every row inside the tile
   * loop ran {@code paper-2h} once in five at 255 samples/s instead of 6,500, as when C2 leaves
   * the vectors boxed.
   */
  private static void listedTiles(float[] base, float[] vDown, float[] mDown, int downRows, int[] downList,
      int downs, float[] vUp, float[] mUp, int upRows, int[] upList, int ups, int cols, float[] out, float[] keep,
      float[] s, float[] y, float beta, float eps, float[] flag) {
    for (int j = 0; j < cols; j += TILE) {
      // the inputs of TILE units for the block's L samples stay in registers over both matrices' rows
      int o = j * L;
      FloatVector a0 = FloatVector.fromArray(S, base, o + 0 * L);
      FloatVector a1 = FloatVector.fromArray(S, base, o + 1 * L);
      FloatVector a2 = FloatVector.fromArray(S, base, o + 2 * L);
      FloatVector a3 = FloatVector.fromArray(S, base, o + 3 * L);
      FloatVector a4 = FloatVector.fromArray(S, base, o + 4 * L);
      FloatVector a5 = FloatVector.fromArray(S, base, o + 5 * L);
      FloatVector a6 = FloatVector.fromArray(S, base, o + 6 * L);
      FloatVector a7 = FloatVector.fromArray(S, base, o + 7 * L);
      FloatVector a8 = FloatVector.fromArray(S, base, o + 8 * L);
      FloatVector a9 = FloatVector.fromArray(S, base, o + 9 * L);
      FloatVector a10 = FloatVector.fromArray(S, base, o + 10 * L);
      FloatVector a11 = FloatVector.fromArray(S, base, o + 11 * L);
      for (int i = 0; i < downs; i++) {
        int q = downList[i];
        FloatVector x = FloatVector.fromArray(S, vDown, q * L);
        int w = j * downRows + q * TILE; // tile j / TILE, row q (see arrange)
        a0 = x.fma(FloatVector.broadcast(S, mDown[w + 0]), a0);
        a1 = x.fma(FloatVector.broadcast(S, mDown[w + 1]), a1);
        a2 = x.fma(FloatVector.broadcast(S, mDown[w + 2]), a2);
        a3 = x.fma(FloatVector.broadcast(S, mDown[w + 3]), a3);
        a4 = x.fma(FloatVector.broadcast(S, mDown[w + 4]), a4);
        a5 = x.fma(FloatVector.broadcast(S, mDown[w + 5]), a5);
        a6 = x.fma(FloatVector.broadcast(S, mDown[w + 6]), a6);
        a7 = x.fma(FloatVector.broadcast(S, mDown[w + 7]), a7);
        a8 = x.fma(FloatVector.broadcast(S, mDown[w + 8]), a8);
        a9 = x.fma(FloatVector.broadcast(S, mDown[w + 9]), a9);
        a10 = x.fma(FloatVector.broadcast(S, mDown[w + 10]), a10);
        a11 = x.fma(FloatVector.broadcast(S, mDown[w + 11]), a11);
      }
      // the same loop again, for the other matrix: one loop over both, choosing the arrays per
      // pass, made C2 box every vector (20 steps at batch 256: 42 ms instead of 2)
      for (int i = 0; i < ups; i++) {
        int q = upList[i];
        FloatVector x = FloatVector.fromArray(S, vUp, q * L);
        int w = j * upRows + q * TILE;
        a0 = x.fma(FloatVector.broadcast(S, mUp[w + 0]), a0);
        a1 = x.fma(FloatVector.broadcast(S, mUp[w + 1]), a1);
        a2 = x.fma(FloatVector.broadcast(S, mUp[w + 2]), a2);
        a3 = x.fma(FloatVector.broadcast(S, mUp[w + 3]), a3);
        a4 = x.fma(FloatVector.broadcast(S, mUp[w + 4]), a4);
        a5 = x.fma(FloatVector.broadcast(S, mUp[w + 5]), a5);
        a6 = x.fma(FloatVector.broadcast(S, mUp[w + 6]), a6);
        a7 = x.fma(FloatVector.broadcast(S, mUp[w + 7]), a7);
        a8 = x.fma(FloatVector.broadcast(S, mUp[w + 8]), a8);
        a9 = x.fma(FloatVector.broadcast(S, mUp[w + 9]), a9);
        a10 = x.fma(FloatVector.broadcast(S, mUp[w + 10]), a10);
        a11 = x.fma(FloatVector.broadcast(S, mUp[w + 11]), a11);
      }
      a0.intoArray(out, o + 0 * L);
      a1.intoArray(out, o + 1 * L);
      a2.intoArray(out, o + 2 * L);
      a3.intoArray(out, o + 3 * L);
      a4.intoArray(out, o + 4 * L);
      a5.intoArray(out, o + 5 * L);
      a6.intoArray(out, o + 6 * L);
      a7.intoArray(out, o + 7 * L);
      a8.intoArray(out, o + 8 * L);
      a9.intoArray(out, o + 9 * L);
      a10.intoArray(out, o + 10 * L);
      a11.intoArray(out, o + 11 * L);
      if (keep != null) {
        System.arraycopy(out, o, keep, o, TILE * L);
      }
      if (s != null) {
        // the step reads the inputs back while they are in the first-level cache
        stepTile(s, y, beta, eps, out, o, o + TILE * L, flag, false);
      }
    }
  }


  /**
   * Writes to {@code rows} the rows {@code q < n} of a block {@code v} with a lane other than 0 (NaN
   * included), in order; returns how many.
   */
  private static int nonzeroRows(float[] v, int n, int[] rows) {
    int at = 0;
    // without a branch on the data, which would be mispredicted for every other row
    for (int q = 0; q < n; q++) {
      rows[at] = q;
      at += Math.min(1, FloatVector.fromArray(S, v, q * L).compare(VectorOperators.NE, 0f).trueCount());
    }
    return at;
  }

  /**
   * The step of {@link #inputs} on {@code out[from … to)}, holding the inputs; {@code flag} becomes NaN
   * where a value before clipping is NaN or infinite. Unless {@code exact}, the clip compares the
   * values' bits as integers: exact (−0 becomes 0, as {@link Math#max} makes it) but for NaN, which
   * it turns into 0 or 1, and several times faster.
   */
  private static void stepTile(float[] s, float[] y, float beta, float eps, float[] out, int from, int to,
      float[] flag, boolean exact) {
    FloatVector vb = FloatVector.broadcast(S, beta);
    FloatVector ve = FloatVector.broadcast(S, -eps);
    FloatVector zero = FloatVector.zero(S);
    IntVector zeroBits = IntVector.zero(I);
    IntVector oneBits = IntVector.broadcast(I, Float.floatToRawIntBits(1f));
    FloatVector finite = FloatVector.fromArray(S, flag, 0);
    for (int i = from; i < to; i += L) {
      FloatVector v = FloatVector.fromArray(S, s, i);
      FloatVector g = v.sub(FloatVector.fromArray(S, out, i));
      if (y != null) {
        g = v.sub(FloatVector.fromArray(S, y, i)).fma(vb, g);
      }
      FloatVector x = g.fma(ve, v);
      finite = x.fma(zero, finite);
      if (exact) {
        x.max(0f).min(1f).intoArray(out, i);
      } else {
        ((IntVector) x.reinterpretAsInts()).max(zeroBits).min(oneBits).reinterpretAsFloats().intoArray(out, i);
      }
    }
    finite.intoArray(flag, 0);
  }

  @Override
  public void step(float[] s, float[] rho, float[] p, float[] y, float beta, float eps, int n) {
    FloatVector zero = FloatVector.zero(S);
    FloatVector vb = FloatVector.broadcast(S, beta);
    FloatVector ve = FloatVector.broadcast(S, -eps);
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      FloatVector v = FloatVector.fromArray(S, s, i);
      VectorMask<Float> inside = v.compare(VectorOperators.GE, 0f).and(v.compare(VectorOperators.LE, 1f));
      FloatVector g = v.sub(zero.blend(FloatVector.fromArray(S, p, i), inside));
      if (y != null) {
        g = v.sub(FloatVector.fromArray(S, y, i)).fma(vb, g);
      }
      FloatVector next = g.fma(ve, v).max(0f).min(1f);
      next.intoArray(s, i);
      next.intoArray(rho, i);
    }
    if (i < n) {
      throw new IllegalArgumentException(n + " values are not whole vectors of " + L);
    }
  }

  @Override
  public void energy(float[] s, float[] p, int units, float[] e) {
    FloatVector acc = FloatVector.zero(S);
    for (int o = 0; o < units * L; o += L) {
      FloatVector v = FloatVector.fromArray(S, s, o);
      FloatVector half = v.mul(0.5f).mul(v);
      acc = acc.add(v.max(0f).min(1f).neg().fma(FloatVector.fromArray(S, p, o), half));
    }
    FloatVector.fromArray(S, e, 0).add(acc).intoArray(e, 0);
  }

  @Override
  public void adam(float[] p, float[] g, float[] m, float[] v, float decay, float beta1, float beta2,
      float epsilon, float step, float root, int n) {
    FloatVector vd = FloatVector.broadcast(S, decay);
    FloatVector b1 = FloatVector.broadcast(S, beta1);
    FloatVector c1 = FloatVector.broadcast(S, 1f - beta1);
    FloatVector b2 = FloatVector.broadcast(S, beta2);
    FloatVector c2 = FloatVector.broadcast(S, 1f - beta2);
    FloatVector ve = FloatVector.broadcast(S, epsilon);
    FloatVector vs = FloatVector.broadcast(S, step);
    FloatVector vr = FloatVector.broadcast(S, root);
    FloatVector zero = FloatVector.zero(S);
    int i = 0;
    for (int end = S.loopBound(n); i < end; i += L) {
      FloatVector gi = FloatVector.fromArray(S, g, i);
      FloatVector mi = FloatVector.fromArray(S, m, i).mul(b1).add(gi.mul(c1));
      FloatVector vi = FloatVector.fromArray(S, v, i).mul(b2).add(gi.mul(gi).mul(c2));
      mi = mi.blend(zero, mi.abs().compare(VectorOperators.LT, TINY));
      vi = vi.blend(zero, vi.compare(VectorOperators.LT, TINY));
      mi.intoArray(m, i);
      vi.intoArray(v, i);
      FloatVector denominator = vi.sqrt().mul(vr).add(ve);
      FloatVector.fromArray(S, p, i).mul(vd).sub(vs.mul(mi).div(denominator)).intoArray(p, i);
    }
    Lanes.Scalar.adam(p, g, m, v, decay, beta1, beta2, epsilon, step, root, i, n);
  }
}
