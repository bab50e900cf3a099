package org.eqprop.backend.jcuda;

import org.eqprop.api.tensor.Tensor;

/** A tensor of the jcuda backend: {@code rows × cols} floats in device memory, row-major. */
final class JcudaTensor implements Tensor {
  final JcudaBackend owner;
  final long address;
  private final int rows;
  private final int cols;
  private boolean closed;

  JcudaTensor(JcudaBackend owner, long address, int rows, int cols) {
    this.owner = owner;
    this.address = address;
    this.rows = rows;
    this.cols = cols;
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int cols() {
    return cols;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      owner.release(this);
    }
  }

  @Override
  public String toString() {
    return "JcudaTensor[" + shape() + "]";
  }
}
