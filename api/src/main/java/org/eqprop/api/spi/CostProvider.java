package org.eqprop.api.spi;

import org.eqprop.api.Cost;
import org.eqprop.api.Energy;

/**
 * A cost plug-in, listed in {@code META-INF/services/org.eqprop.api.spi.CostProvider}: selectable
 * by {@code cost.name}. Its own settings go under {@code cost.options}.
 */
public interface CostProvider {

  /** The name users select it by; lower case, unique. */
  String name();

  /** One line for {@code eqprop models}. */
  String description();

  /**
   * Creates the cost for {@code energy}'s output layer.
   *
   * @param config the run's configuration
   * @throws IllegalArgumentException where the configuration does not suit it, naming the key
   */
  Cost create(Settings config, Energy energy);
}
