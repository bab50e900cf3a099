package org.eqprop.api;

/** Thrown when training produced NaN or infinite values; the message names what diverged. */
public class DivergenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what is no longer finite, e.g. {@code free-phase state of layer 2} */
  public DivergenceException(String message) {
    super(message);
  }
}
