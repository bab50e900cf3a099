package org.eqprop.backend.ejml;

/** A matrix-product kernel over a range of output columns, so callers can split the work. */
interface Gemm {

  /** The buffers {@link #pack} fills for an {@code op(a)} of {@code m × k}: valid until the next call. */
  Packed packing(int m, int k);

  /**
   * Lays out rows {@code i0 … i1−1} of {@code op(a)} ({@code a}, {@code m × k}, or with {@code
   * transA} the transpose of {@code a}, {@code k × m}) into {@code into}, for {@link #gemm};
   * {@code i0} is a multiple of 8, and so is {@code i1} unless it is {@code m}. Calls for separate
   * rows may run at once.
   */
  void pack(float[] a, boolean transA, int m, int k, int i0, int i1, Packed into);

  /**
   * {@code c[i][j] += alpha·Σ_p op(a)[i][p]·b[p][j]} for every row {@code i < m} and the columns
   * {@code j0 ≤ j < j1}, {@code a} laid out by {@link #pack}; {@code b} is {@code k × n} and
   * {@code c} is {@code m × n}, row-major. Terms whose {@code op(a)} values are 0 for a whole
   * block of rows may be skipped, as the reference BLAS skips zero terms. Calls for separate
   * column ranges may run at once.
   */
  void gemm(float alpha, Packed a, float[] b, float[] c, int m, int n, int k, int j0, int j1);

  /** Column ranges handed to separate threads should start at multiples of this. */
  int columnBlock();

  /** What the kernel runs on, for listings, e.g. {@code Vector API, 512-bit}. */
  String describe();

  /**
   * {@code op(a)} in blocks of rows, each block keeping only the inner indices {@code p} where
   * one of its rows is not 0: the block starting at row {@code i} holds {@code count[i]} such
   * indices at {@code index[i·k …]} and their values, a column of the block together, at {@code
   * values[i·k …]}.
   */
  final class Packed {
    float[] values = new float[0];
    int[] index = new int[0];
    int[] count = new int[0];

    void ensure(int m, int k) {
      if (values.length < m * k) {
        values = new float[m * k];
        index = new int[m * k];
      }
      if (count.length < m) {
        count = new int[m];
      }
    }
  }
}
