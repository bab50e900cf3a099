package org.eqprop.api.spi;

import java.util.List;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;

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
   * Creates the optimizer of a run's parameters.
   *
   * @param config the run's configuration
   * @param backend the backend the parameters live on
   * @param parameters every trainable parameter of the run, in the order {@link Optimizer#step} gets
   *     them ({@link Parameter#trainable}: the energy's, then the cost's); {@link Parameter#groups}
   *     of them is the number of learning rates
   * @throws IllegalArgumentException where the configuration does not suit it, naming the key
   */
  Optimizer create(Settings config, Backend backend, List<Parameter> parameters);
}
