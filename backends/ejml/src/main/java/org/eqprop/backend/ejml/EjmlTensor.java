package org.eqprop.backend.ejml;

import org.eqprop.api.tensor.Tensor;
import org.ejml.data.FMatrixRMaj;

/** A tensor of the EJML backend: a wrapper around an {@link FMatrixRMaj}. */
final class EjmlTensor implements Tensor {
  final FMatrixRMaj m;
  final EjmlBackend owner;

  EjmlTensor(EjmlBackend owner, int rows, int cols) {
    this.owner = owner;
    this.m = new FMatrixRMaj(rows, cols);
  }

  @Override
  public int rows() {
    return m.numRows;
  }

  @Override
  public int cols() {
    return m.numCols;
  }

  /** The backing row-major array (its length may exceed {@link #size()}). */
  float[] data() {
    return m.data;
  }

  @Override
  public void close() {
    // heap memory: reclaimed by the garbage collector
  }

  @Override
  public String toString() {
    return "EjmlTensor[" + shape() + "]";
  }
}
