package org.eqprop.api.spi;

import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;

/**
 * A dynamics plug-in, listed in {@code META-INF/services/org.eqprop.api.spi.DynamicsProvider}:
 * selectable by {@code dynamics.name}. Its own settings go under {@code dynamics.options}.
 */
public interface DynamicsProvider {

  /** The name users select it by; lower case, unique. */
  String name();

  /** One line for {@code eqprop models}. */
  String description();

  /**
   * Creates the dynamics for {@code energy}.
   *
   * @param config the run's configuration ({@code dynamics.eps}, {@code dynamics.options.*}, …)
   * @throws IllegalArgumentException where the configuration does not suit it, with a message
   *     naming the key
   */
  Dynamics create(Settings config, Energy energy);
}
