package org.eqprop.backend.ejml;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Gemm} on the JDK's Vector API ({@code jdk.incubator.vector}), at the widest vector the
 * CPU has. Only loaded when the JVM was started with {@code --add-modules jdk.incubator.vector};
 * see {@link EjmlBackendProvider}.
 *
 * <p>The product lays {@code op(a)} out once in blocks of 8 rows (a column of a block together),
 * copies each {@code k × 2L} column panel of {@code b} ({@code L} lanes a vector) into consecutive
 * memory, then keeps an 8-row by 2-vector block of {@code c} in registers while it
 * runs over the inner dimension, broadcasting one {@code a} value per row and loading two
 * vectors of the panel per step: sixteen fused multiply-adds for two vector loads. Each block
 * keeps only the inner indices where one of its 8 rows is not 0 (a batch of images has many
 * blank pixels), so the products with the input skip about half their terms on MNIST.
 */
final class VectorGemm implements Gemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();
  /** Up to this many rows of {@code c}, products read the panels of {@code b} in place, unpacked. */
  static final int DIRECT_ROWS = 32;

  @Override
  public int columnBlock() {
    return 2 * L;
  }

  @Override
  public String describe() {
    return "Vector API, " + S.vectorBitSize() + "-bit";
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
