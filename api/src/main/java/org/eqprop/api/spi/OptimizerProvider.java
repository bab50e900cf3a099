package org.eqprop.api.spi;

import org.eqprop.api.Energy;
import org.eqprop.api.Optimizer;

/**
 * An optimizer plug-in, listed in {@code META-INF/services/org.eqprop.api.spi.OptimizerProvider}:
 * selectable by {@code optimizer.name}. It reads {@code optimizer.learning-rates} (one per
 * parameter group) and its own settings under {@code optimizer.options}.
 */
public interface OptimizerProvider {

  /** The name users select it by; lower case, unique. */
  String name();

  /** One line for {@code eqprop models}. */
  String description();

  /**
   * Creates the optimizer of {@code energy}'s parameters.
   *
   * @param config the run's configuration
   * @throws IllegalArgumentException where the configuration does not suit it, naming the key
   */
  Optimizer create(Settings config, Energy energy);
}
