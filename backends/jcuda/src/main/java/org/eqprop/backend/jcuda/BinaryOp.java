package org.eqprop.backend.jcuda;

/**
 * The opcodes of the {@code eq_binary} kernel, {@code out = a op b}; each constant's ordinal is the
 * code the kernel source's {@code EqBinaryOp} gives {@code EQ_BINARY_<NAME>} ({@code
 * KernelSourceTest} compares the two).
 */
enum BinaryOp {
  /** {@code a + b}. */
  ADD,
  /** {@code a − b}. */
  SUB,
  /** {@code a ⊙ b}. */
  MUL,
  /** {@code a / b}. */
  DIV,
  /** {@code a + alpha·b}. */
  AXPY;

  /** The code passed to the kernel. */
  int code() {
    return ordinal();
  }
}
