package org.eqprop.api.tensor;

/**
 * Shape checks shared by backend implementations, so that every backend reports the same
 * operation with the same message.
 */
public final class Shapes {
  private Shapes() {}

  /** Requires {@code a} and {@code b} to have the same shape. */
  public static void requireSame(String op, Tensor a, Tensor b) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) {
      throw new ShapeMismatchException(op + ": shapes differ: " + a.shape() + " vs " + b.shape());
    }
  }

  /** Requires {@code t} to be {@code rows × cols}. */
  public static void requireShape(String op, Tensor t, int rows, int cols) {
    if (t.rows() != rows || t.cols() != cols) {
      throw new ShapeMismatchException(
          op + ": expected " + rows + "x" + cols + " but got " + t.shape());
    }
  }

  /** Requires a host array to hold exactly the elements of {@code t}. */
  public static void requireLength(String op, Tensor t, int length) {
    if (t.size() != length) {
      throw new ShapeMismatchException(
          op + ": tensor " + t.shape() + " has " + t.size() + " elements, array has " + length);
    }
  }

  /**
   * Checks a general matrix product {@code c = alpha·op(a)·op(b) + beta·c}, where {@code op}
   * transposes when the flag is set.
   */
  public static void requireGemm(Tensor a, boolean transA, Tensor b, boolean transB, Tensor c) {
    int m = transA ? a.cols() : a.rows();
    int k = transA ? a.rows() : a.cols();
    int kb = transB ? b.cols() : b.rows();
    int n = transB ? b.rows() : b.cols();
    if (k != kb || c.rows() != m || c.cols() != n) {
      throw new ShapeMismatchException(
          "gemm: op(a) "
              + m + "x" + k
              + " times op(b) "
              + kb + "x" + n
              + " into c "
              + c.shape()
              + " (a " + a.shape() + (transA ? " transposed" : "")
              + ", b " + b.shape() + (transB ? " transposed" : "")
              + ")");
    }
  }

  /** Requires {@code row} to be a {@code 1 × a.cols()} vector. */
  public static void requireRowVector(String op, Tensor a, Tensor row) {
    if (row.rows() != 1 || row.cols() != a.cols()) {
      throw new ShapeMismatchException(
          op + ": expected a 1x" + a.cols() + " row vector but got " + row.shape());
    }
  }

  /** Requires every index to address a row of a tensor with {@code rows} rows. */
  public static void requireRowIndices(String op, int[] indices, int rows) {
    for (int i : indices) {
      if (i < 0 || i >= rows) {
        throw new IndexOutOfBoundsException(op + ": row index " + i + " outside [0, " + rows + ")");
      }
    }
  }
}
