package org.eqprop.backend.ejml;

/** A matrix-product kernel over a range of output columns, so callers can split the work. */
interface Gemm {

  /**
   * Lays out {@code op(a)} ({@code a}, {@code m × k}, or with {@code transA} the transpose of
   * {@code a}, {@code k × m}) for {@link #gemm}, in a buffer this kernel owns and reuses: valid
   * until the next call.
   */
  float[] pack(float[] a, boolean transA, int m, int k);

  /**
   * {@code c[i][j] += alpha·Σ_p op(a)[i][p]·b[p][j]} for every row {@code i < m} and the columns
   * {@code j0 ≤ j < j1}, {@code packed} being {@link #pack}'s result; {@code b} is {@code k × n}
   * and {@code c} is {@code m × n}, row-major. Calls for separate column ranges may run at once.
   */
  void gemm(float alpha, float[] packed, float[] b, float[] c, int m, int n, int k, int j0, int j1);

  /** Column ranges handed to separate threads should start at multiples of this. */
  int columnBlock();

  /** What the kernel runs on, for listings, e.g. {@code Vector API, 512-bit}. */
  String describe();
}
