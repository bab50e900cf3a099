package org.eqprop.api.spi;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;

/**
 * An interaction-type plug-in, listed in {@code
 * META-INF/services/org.eqprop.api.spi.InteractionProvider}: a jar on the classpath that provides
 * one adds a type that networks declared in configuration can use ({@code type: NAME} in {@code
 * model.interactions}).
 */
public interface InteractionProvider {

  /** The type users declare this interaction by; lower case, unique. */
  String type();

  /** One line describing the interaction for {@code eqprop models}. */
  String description();

  /**
   * Creates the interaction with freshly initialised parameters on {@code backend}.
   *
   * @param spec what the network declared
   * @param layers the network's layers (the spec's indices point into this list)
   * @param backend where the parameters live
   * @param random the source of randomness for initialisation (seeded by the run)
   * @throws IllegalArgumentException if {@code spec} does not suit this type (how many layers, which
   *     of them clamped, an unknown option), with a message naming the problem
   */
  Interaction create(InteractionSpec spec, List<Layer> layers, Backend backend, RandomGenerator random);
}
