package org.eqprop.backend.ejml;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} and {@link Lanes} on the JDK's Vector API ({@code jdk.incubator.vector}), at the
 * widest vector the CPU has. Only loaded when the JVM was started with {@code --add-modules
 * jdk.incubator.vector}; see {@link EjmlBackendProvider}.
 *
 * <p>The product lays {@code op(a)} out once in blocks of 8 rows (a column of a block together),
 * copies each {@code k × 2L} column panel of {@code b} ({@code L} lanes a vector) into consecutive
 * memory, then keeps an 8-row by 2-vector block of {@code c} in registers while it
 * runs over the inner dimension, broadcasting one {@code a} value per row and loading two
 * vectors of the panel per step: sixteen fused multiply-adds for two vector loads. Each block
 * keeps only the inner indices where one of its 8 rows is not 0 (a batch of images has many
 * blank pixels), so the products with the input skip about half their terms on MNIST.
 */
final class VectorKernels implements Gemm, Lanes {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  private static final float TINY = Lanes.TINY;
  /** Up to this many rows of {@code c}, products read the panels of {@code b} in place, unpacked. */
  static final int DIRECT_ROWS = 32;
  /** Units of a layer whose inputs {@link #inputs} keeps in registers at once. */
  static final int TILE = 12;
  private static final VectorSpecies<Integer> I = S.withLanes(int.class);

  @Override
  public int columnBlock() {
    return 2 * L;
  }

  @Override
  public String describe() {
    return "Vector API, " + S.vectorBitSize() + "-bit";
  }

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
  public void addPerUnit(float[] add, int units, float[] to) {
    for (int j = 0; j < units; j++) {
      FloatVector.fromArray(S, to, j * L).add(add[j]).intoArray(to, j * L);
    }
  }

  @Override
  public void inputs(float[] base, float[] vDown, float[] mDown, int downRows, float[] vUp, float[] mUp,
      int upRows, int cols, float[] out, float[] s, float[] y, float beta, float eps) {
    if (cols % TILE != 0) {
      throw new IllegalArgumentException(cols + " units are not padded to " + TILE);
    }
    float[] flag = s == null ? null : scratch.get().flag;
    if (flag != null) {
      java.util.Arrays.fill(flag, 0f);
    }
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
      if (s != null) {
        // the step reads the inputs back while they are in the first-level cache
        stepTile(s, y, beta, eps, out, o, o + TILE * L, flag, false);
      }
    }
    if (s != null) {
      for (int r = 0; r < L; r++) {
        if (Float.isNaN(flag[r])) {
          // a NaN or an infinity, which the integer clip gets wrong: again with the floating-point one
          inputs(base, vDown, mDown, downRows, vUp, mUp, upRows, cols, out, null, null, 0f, 0f);
          stepTile(s, y, beta, eps, out, 0, cols * L, flag, true);
          break;
        }
      }
    }
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

  @Override
  public Packed packing(int m, int k) {
    packed.ensure(m, k);
    return packed;
  }

  @Override
  public void pack(float[] a, boolean transA, int m, int k, int i0, int i1, Packed into) {
    // element (i, p) of op(a) is a[i * si + p * sp]
    int si = transA ? 1 : k;
    int sp = transA ? m : 1;
    int i = i0;
    for (; i + 8 <= i1; i += 8) {
      into.count[i] = pack8(a, i * si, si, sp, k, into.values, into.index, i * k);
    }
    for (int rows : new int[] {4, 1}) {
      for (; i + rows <= i1; i += rows) {
        int o = i * k;
        int q = 0;
        for (int p = 0; p < k; p++) {
          int bits = 0;
          for (int r = 0, ai = i * si + p * sp, vo = o + q * rows; r < rows; r++, ai += si) {
            into.values[vo + r] = a[ai];
            bits |= Float.floatToRawIntBits(a[ai]);
          }
          into.index[o + q] = p;
          q += nonzero(bits);
        }
        into.count[i] = q;
      }
    }
  }

  /**
   * Lays out one block of 8 rows starting at {@code a[ai]}, keeping the inner indices where one
   * of the rows is not 0 (an index that is not kept is overwritten by the next); returns their
   * count.
   */
  private static int pack8(float[] a, int ai, int si, int sp, int k, float[] values, int[] index, int o) {
    int q = 0;
    for (int p = 0; p < k; p++, ai += sp) {
      float v0 = a[ai], v1 = a[ai + si], v2 = a[ai + 2 * si], v3 = a[ai + 3 * si];
      float v4 = a[ai + 4 * si], v5 = a[ai + 5 * si], v6 = a[ai + 6 * si], v7 = a[ai + 7 * si];
      int vo = o + 8 * q;
      values[vo] = v0;
      values[vo + 1] = v1;
      values[vo + 2] = v2;
      values[vo + 3] = v3;
      values[vo + 4] = v4;
      values[vo + 5] = v5;
      values[vo + 6] = v6;
      values[vo + 7] = v7;
      index[o + q] = p;
      q += nonzero(Float.floatToRawIntBits(v0) | Float.floatToRawIntBits(v1)
          | Float.floatToRawIntBits(v2) | Float.floatToRawIntBits(v3)
          | Float.floatToRawIntBits(v4) | Float.floatToRawIntBits(v5)
          | Float.floatToRawIntBits(v6) | Float.floatToRawIntBits(v7));
    }
    return q;
  }

  /** 1 when the OR of some floats' bits holds a value other than ±0 (NaN included), else 0. */
  private static int nonzero(int bits) {
    int magnitude = bits & 0x7fffffff;
    return (magnitude | -magnitude) >>> 31;
  }

  @Override
  public void gemm(float alpha, Packed a, float[] b, float[] c, int m, int n, int k, int j0, int j1) {
    Scratch sc = scratch.get();
    int width = 2 * L;
    float[] panel = sc.panel = grow(sc.panel, width * k);
    for (int j = j0; j < j1; j += width) {
      int w = Math.min(width, j1 - j);
      if (w == width && m <= DIRECT_ROWS) {
        // few blocks of rows stream the panel: reading it in place beats copying it first
        blocks(alpha, a, b, j, n, c, m, n, k, j);
        continue;
      }
      // copy the k × 2L panel of b into consecutive memory (zero-padded at the ragged edge):
      // every block of rows streams it
      for (int p = 0; p < k; p++) {
        System.arraycopy(b, p * n + j, panel, p * width, w);
        if (w < width) {
          java.util.Arrays.fill(panel, p * width + w, (p + 1) * width, 0f);
        }
      }
      if (w == width) {
        blocks(alpha, a, panel, 0, width, c, m, n, k, j);
      } else {
        float[] tile = sc.tile = grow(sc.tile, m * width);
        java.util.Arrays.fill(tile, 0, m * width, 0f);
        blocks(alpha, a, panel, 0, width, tile, m, width, k, 0);
        for (int i = 0; i < m; i++) {
          for (int jj = 0; jj < w; jj++) {
            c[i * n + j + jj] += tile[i * width + jj];
          }
        }
      }
    }
  }

  /**
   * {@code c[:, j…j+2L) += alpha·op(a)·panel}, block by block of rows, over each block's nonzero
   * inner indices; a block with none leaves {@code c} as it is.
   */
  private static void blocks(
      float alpha, Packed a, float[] b, int bOff, int bStride, float[] c, int m, int n, int k, int j) {
    float[] v = a.values;
    int[] index = a.index;
    int[] count = a.count;
    int i = 0;
    for (; i + 8 <= m; i += 8) {
      if (count[i] > 0) {
        block8x2(alpha, v, count[i] < k ? index : null, i * k, count[i], b, bOff, bStride, c, n, i, j);
      }
    }
    for (; i + 4 <= m; i += 4) {
      if (count[i] > 0) {
        block4x2(alpha, v, count[i] < k ? index : null, i * k, count[i], b, bOff, bStride, c, n, i, j);
      }
    }
    for (; i < m; i++) {
      if (count[i] > 0) {
        block1x2(alpha, v, count[i] < k ? index : null, i * k, count[i], b, bOff, bStride, c, n, i, j);
      }
    }
  }

  /** One thread's buffers: the packed panel of {@code b} and the ragged-edge tile. */
  private static final class Scratch {
    float[] panel = new float[0];
    float[] tile = new float[0];
    /** Where {@link #stepTile} marks values that are NaN or infinite. */
    final float[] flag = new float[L];
  }

  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);
  private final Packed packed = new Packed();

  private static float[] grow(float[] buffer, int size) {
    return buffer.length >= size ? buffer : new float[size];
  }

  /**
   * Rows {@code i…i+7}, columns {@code j…j+2L−1} of {@code c}; row {@code p} of the panel of {@code
   * b} starts at {@code bOff + p·bStride}. The block's {@code count}
   * inner indices are {@code index[ao + q]} ({@code q} itself when {@code index} is null), their
   * values at {@code a[ao + rows·q …]}.
   */
  private static void block8x2(
      float alpha, float[] a, int[] index, int ao, int count, float[] b, int bOff, int bStride,
      float[] c, int n, int i, int j) {
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int q = 0; q < count; q++) {
      int bo = bOff + (index == null ? q : index[ao + q]) * bStride;
      int a0 = ao + 8 * q;
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector v = FloatVector.broadcast(S, a[a0]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(S, a[a0 + 1]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(S, a[a0 + 2]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(S, a[a0 + 3]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
      v = FloatVector.broadcast(S, a[a0 + 4]);
      c40 = v.fma(b0, c40);
      c41 = v.fma(b1, c41);
      v = FloatVector.broadcast(S, a[a0 + 5]);
      c50 = v.fma(b0, c50);
      c51 = v.fma(b1, c51);
      v = FloatVector.broadcast(S, a[a0 + 6]);
      c60 = v.fma(b0, c60);
      c61 = v.fma(b1, c61);
      v = FloatVector.broadcast(S, a[a0 + 7]);
      c70 = v.fma(b0, c70);
      c71 = v.fma(b1, c71);
    }
    int o = i * n + j;
    c00.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c01.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c10.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c11.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c20.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c21.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c30.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c31.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c40.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c41.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c50.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c51.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c60.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c61.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c70.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c71.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
  }

  /**
   * Rows {@code i…i+3}, columns {@code j…j+2L−1} of {@code c}; row {@code p} of the panel of {@code
   * b} starts at {@code bOff + p·bStride}. The block's {@code count}
   * inner indices are {@code index[ao + q]} ({@code q} itself when {@code index} is null), their
   * values at {@code a[ao + rows·q …]}.
   */
  private static void block4x2(
      float alpha, float[] a, int[] index, int ao, int count, float[] b, int bOff, int bStride,
      float[] c, int n, int i, int j) {
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00;
    FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    for (int q = 0; q < count; q++) {
      int bo = bOff + (index == null ? q : index[ao + q]) * bStride;
      int a0 = ao + 4 * q;
      FloatVector b0 = FloatVector.fromArray(S, b, bo);
      FloatVector b1 = FloatVector.fromArray(S, b, bo + L);
      FloatVector v = FloatVector.broadcast(S, a[a0]);
      c00 = v.fma(b0, c00);
      c01 = v.fma(b1, c01);
      v = FloatVector.broadcast(S, a[a0 + 1]);
      c10 = v.fma(b0, c10);
      c11 = v.fma(b1, c11);
      v = FloatVector.broadcast(S, a[a0 + 2]);
      c20 = v.fma(b0, c20);
      c21 = v.fma(b1, c21);
      v = FloatVector.broadcast(S, a[a0 + 3]);
      c30 = v.fma(b0, c30);
      c31 = v.fma(b1, c31);
    }
    int o = i * n + j;
    c00.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c01.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c10.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c11.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c20.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c21.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    o += n;
    c30.fma(va, FloatVector.fromArray(S, c, o)).intoArray(c, o);
    c31.fma(va, FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
  }

  /**
   * Row {@code i}, columns {@code j…j+2L−1} of {@code c}; row {@code p} of the panel of {@code b}
   * starts at {@code bOff + p·bStride}. The block's {@code count}
   * inner indices are {@code index[ao + q]} ({@code q} itself when {@code index} is null), their
   * values at {@code a[ao + rows·q …]}.
   */
  private static void block1x2(
      float alpha, float[] a, int[] index, int ao, int count, float[] b, int bOff, int bStride,
      float[] c, int n, int i, int j) {
    FloatVector va = FloatVector.broadcast(S, alpha);
    FloatVector c0 = FloatVector.zero(S), c1 = c0;
    for (int q = 0; q < count; q++) {
      int bo = bOff + (index == null ? q : index[ao + q]) * bStride;
      FloatVector v = FloatVector.broadcast(S, a[ao + q]);
      c0 = v.fma(FloatVector.fromArray(S, b, bo), c0);
      c1 = v.fma(FloatVector.fromArray(S, b, bo + L), c1);
    }
    c0.fma(va, FloatVector.fromArray(S, c, i * n + j)).intoArray(c, i * n + j);
    c1.fma(va, FloatVector.fromArray(S, c, i * n + j + L)).intoArray(c, i * n + j + L);
  }
}
