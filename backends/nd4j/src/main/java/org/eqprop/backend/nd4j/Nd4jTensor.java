package org.eqprop.backend.nd4j;

import org.bytedeco.javacpp.FloatPointer;
import org.eqprop.api.tensor.Tensor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tensor of the ND4J backend: a 2-D, c-ordered float32 {@link INDArray} of its own buffer, and
 * that buffer's address for direct BLAS calls.
 */
final class Nd4jTensor implements Tensor {
  final INDArray a;
  final Nd4jBackend owner;
  /** The first element of {@link #a}'s buffer, made once: a pointer per call costs a microsecond. */
  final FloatPointer ptr;
  private boolean closed;

  Nd4jTensor(Nd4jBackend owner, INDArray a) {
    this.owner = owner;
    this.a = a;
    this.ptr = (FloatPointer) a.data().addressPointer();
  }

  @Override
  public int rows() {
    return (int) a.rows();
  }

  @Override
  public int cols() {
    return (int) a.columns();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      a.close(); // releases the native buffer now instead of at garbage collection
    }
  }

  @Override
  public String toString() {
    return "Nd4jTensor[" + shape() + "]";
  }
}
