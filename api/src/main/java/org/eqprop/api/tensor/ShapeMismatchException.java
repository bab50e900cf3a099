package org.eqprop.api.tensor;

/** Thrown by a {@link Backend} operation whose operands have incompatible shapes. */
public class ShapeMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message names the operation and the offending shapes
   */
  public ShapeMismatchException(String message) {
    super(message);
  }
}
