package org.eqprop.runner.config;

import org.eqprop.runner.EqpropException;

/** A configuration that cannot be used: exit code 2. */
public final class ConfigException extends EqpropException {
  private static final long serialVersionUID = 1L;

  /** @param message one line naming the key or source and the problem */
  public ConfigException(String message) {
    super(message, USAGE);
  }
}
