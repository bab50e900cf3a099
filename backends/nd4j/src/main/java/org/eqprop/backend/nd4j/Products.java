package org.eqprop.backend.nd4j;

import java.util.Locale;

/**
 * What multiplies, the backend option {@code products}: cblas on the OpenBLAS ND4J ships, libnd4j's
 * {@code matmul} op through its oneDNN kernels, or (the default) oneDNN for the products large
 * enough to pay for the op's call. In the dense chain's relaxation each part of a batch multiplies
 * on a thread of its own; the backend's other products use oneDNN on every core.
 */
enum Products {
  /** oneDNN for products of at least {@link #AUTO_MIN_WORK} multiply-adds, cblas below. */
  AUTO,
  /** Always {@code cblas_sgemm}. */
  OPENBLAS,
  /** Always libnd4j's {@code matmul} op with its oneDNN helper. */
  ONEDNN;

  /**
   * Multiply-adds from which {@link #AUTO} takes oneDNN. libnd4j's op costs about 15 µs a call
   * beside cblas's few: on one thread of the 2-core AMD EPYC (docs/benchmarks.md) a 20 × 500 × 50
   * product took 29 µs through it and 25 through cblas, 20 × 500 × 100 40 and 45, 20 × 500 × 500
   * 113 and 214.
   */
  static final long AUTO_MIN_WORK = 1L << 20;

  /** Whether a {@code rows × inner} by {@code inner × cols} product goes through libnd4j's matmul op. */
  boolean viaMatmul(int rows, int inner, int cols) {
    return viaMatmul(rows, inner, cols, AUTO_MIN_WORK);
  }

  /**
   * Multiply-adds from which {@link #AUTO} takes oneDNN on every core for the backend's products
   * outside the relaxation (the input drive, the weights' contrast), which cblas multiplies on
   * one: on the 2-core AMD EPYC (docs/benchmarks.md, {@code scripts/Nd4jLargeProducts.java}) the
   * drive {@code 20 × 784 × 500} took 95–99 µs through oneDNN on two threads and 228 through
   * cblas, and at batch 256 480–610 and 1,648; {@code paper-1h}'s {@code 500 × 256 × 10} (1.3
   * million) stays with cblas.
   */
  static final long AUTO_MIN_WORK_ON_CORES = 1L << 22;

  /**
   * The same for a product whose left operand is transposed (the weights' contrast {@code ρ(s)ᵀ·Δ}):
   * {@code 784 × 20 × 500} took 76–124 µs through oneDNN and 129 through cblas, too little to pay
   * for the op (paper-2h's update at batch 20 went from 0.8–0.9 to 1.1–2.0 ms with it), {@code 784
   * × 256 × 500} 528–591 and 1,596.
   */
  static final long AUTO_MIN_WORK_ON_CORES_TRANSPOSED = 1L << 24;

  /**
   * Whether a product outside the relaxation goes through libnd4j's matmul op on every core.
   *
   * @param transposedLeft whether its left operand is read transposed
   */
  boolean viaMatmulOnCores(int rows, int inner, int cols, boolean transposedLeft) {
    return viaMatmul(rows, inner, cols, transposedLeft ? AUTO_MIN_WORK_ON_CORES_TRANSPOSED : AUTO_MIN_WORK_ON_CORES);
  }

  private boolean viaMatmul(int rows, int inner, int cols, long autoMinWork) {
    return this == ONEDNN || this == AUTO && (long) rows * inner * cols >= autoMinWork;
  }

  /** The option's value, as written in a config: {@code auto}, {@code openblas} or {@code onednn}. */
  String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses the backend option's value; a bad one names the option and the values known. */
  static Products parse(String value) {
    for (Products p : values()) {
      if (p.optionValue().equals(value.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "backend nd4j option products must be auto, openblas or onednn, got '" + value + "'");
  }
}
