package org.eqprop.backend.jcuda;

/**
 * The opcodes of the {@code eq_unary} kernel, {@code out = f(a)} with parameters {@code p, q}; each
 * constant's ordinal is the code the kernel source's {@code EqUnaryOp} gives {@code
 * EQ_UNARY_<NAME>} ({@code KernelSourceTest} compares the two).
 */
enum UnaryOp {
  /** {@code p·a}. */
  SCALE,
  /** {@code a + p}. */
  ADD_SCALAR,
  /** {@code √a}. */
  SQRT,
  /** {@code clip(a, p, q)}. */
  CLIP,
  /** {@code 1} on {@code [p, q]}, else {@code 0}. */
  INDICATOR,
  /** {@code p}. */
  FILL;

  /** The code passed to the kernel. */
  int code() {
    return ordinal();
  }
}
