package org.eqprop.api.tensor;

/**
 * A dense, row-major float32 matrix owned by one {@link Backend}.
 *
 * <p>A tensor is only an identity and a shape; all arithmetic goes through its backend. Passing a
 * tensor to a different backend than the one that created it is an error. {@link #close()} releases
 * the memory behind it (a no-op on heap backends); a closed tensor must not be used again.
 */
public interface Tensor extends AutoCloseable {

  /** Number of rows (the batch dimension for states). */
  int rows();

  /** Number of columns (units per layer for states). */
  int cols();

  /** Number of elements, {@code rows() * cols()}. */
  default long size() {
    return (long) rows() * cols();
  }

  /** A short shape string such as {@code 20x500}, used in error messages. */
  default String shape() {
    return rows() + "x" + cols();
  }

  /** Releases the memory behind this tensor. Idempotent. */
  @Override
  void close();
}
