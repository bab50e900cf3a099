package org.eqprop.runner;

/**
 * A failure the command line reports as one line and an exit code, without a stack trace (unless
 * {@code --verbose}).
 */
public class EqpropException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code of usage and configuration errors (bad flags, config, data, names). */
  public static final int USAGE = 2;

  /** Exit code of failures while running. */
  public static final int FAILURE = 1;

  /** Exit code of a run stopped by Ctrl-C (128 + SIGINT), after its checkpoint was saved. */
  public static final int INTERRUPTED = 130;

  /** The process exit code this failure maps to (serialized with the exception). */
  private final int exitCode;

  /** A failure with the given exit code. */
  public EqpropException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  /** A failure with the given exit code and cause. */
  public EqpropException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A usage or configuration error: exit code 2. */
  public static EqpropException usage(String message) {
    return new EqpropException(message, USAGE);
  }

  /** The process exit code this failure maps to. */
  public int exitCode() {
    return exitCode;
  }
}
