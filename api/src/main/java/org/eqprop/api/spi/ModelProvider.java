package org.eqprop.api.spi;

import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.tensor.Backend;

/**
 * A model plug-in, listed in {@code META-INF/services/org.eqprop.api.spi.ModelProvider}: a jar on
 * the classpath that provides one adds a model selectable by {@link #name()}.
 */
public interface ModelProvider {

  /** The name users select this model by ({@code model.name}); lower case, unique. */
  String name();

  /** One line describing the model for {@code eqprop models}. */
  String description();

  /**
   * Creates the model with freshly initialised parameters on {@code backend}.
   *
   * @param spec layer sizes and options
   * @param backend where the parameters live
   * @param random the source of randomness for initialisation (seeded by the run)
   * @throws IllegalArgumentException if {@code spec} does not suit this model, with a message
   *     naming the problem
   */
  Energy create(ModelSpec spec, Backend backend, RandomGenerator random);
}
