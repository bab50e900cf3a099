package org.eqprop.backend.nd4j;

import java.util.Locale;

/**
 * What multiplies in the dense chain's relaxation steps, the backend option {@code products}:
 * cblas on the OpenBLAS ND4J ships, libnd4j's {@code matmul} op through its oneDNN kernels, or
 * (the default) oneDNN for the products large enough to pay for the op's call.
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
    return this == ONEDNN || this == AUTO && (long) rows * inner * cols >= AUTO_MIN_WORK;
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
