package org.eqprop.runner.data;

import org.eqprop.runner.EqpropException;

/** A data file or directory that cannot be used: exit code 2. */
public final class DataException extends EqpropException {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the file and the problem */
  public DataException(String message) {
    super(message, USAGE);
  }
}
