package org.eqprop.backend.nd4j;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Row-major calls into the OpenBLAS that ND4J ships and multiplies with. {@code Nd4j.gemm} spends
 * about 15 µs per call outside the product (checks, and a copy of each c-ordered operand into
 * column-major order); a direct {@code cblas_sgemm} on the same buffers takes 3 µs for the
 * relaxation's 20 × 500 × 10 products (docs/benchmarks.md, "ND4J").
 */
final class Blas {
  private Blas() {}

  /** {@code c = alpha·op(a)·op(b) + beta·c}, {@code c} being {@code m × n}, row-major, tightly packed. */
  static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, FloatPointer a,
      FloatPointer b, float beta, FloatPointer c) {
    openblas_nolapack.cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, transA ? m : k, b, transB ? k : n, beta, c, n);
  }

  /** {@code y = y + alpha·x} over {@code n} elements. */
  static void axpy(int n, float alpha, FloatPointer x, FloatPointer y) {
    openblas_nolapack.cblas_saxpy(n, alpha, x, 1, y, 1);
  }

  /** {@code y = x} over {@code n} elements. */
  static void copy(int n, FloatPointer x, FloatPointer y) {
    openblas_nolapack.cblas_scopy(n, x, 1, y, 1);
  }

  /** A pointer {@code offset} floats past {@code base}'s position, made once and kept by the caller. */
  static FloatPointer at(FloatPointer base, long offset) {
    return new FloatPointer(base).position(base.position() + offset);
  }
}
