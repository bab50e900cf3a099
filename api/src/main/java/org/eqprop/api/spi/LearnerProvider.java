package org.eqprop.api.spi;

import java.util.random.RandomGenerator;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.Optimizer;

/**
 * A learner plug-in, listed in {@code META-INF/services/org.eqprop.api.spi.LearnerProvider}:
 * selectable by {@code learner.name}. Its own settings go under {@code learner.options}.
 */
public interface LearnerProvider {

  /** The name users select it by; lower case, unique. */
  String name();

  /** One line for {@code eqprop models}. */
  String description();

  /**
   * Creates the learner from the run's other components.
   *
   * @param config the run's configuration ({@code learner.free-steps}, …)
   * @param examples size of the training set (for per-example state such as persistent particles)
   * @param random the learner's own random stream, seeded by the run and saved in checkpoints
   * @throws IllegalArgumentException where the configuration does not suit it, naming the key
   */
  Learner create(Settings config, Energy energy, Dynamics dynamics, Cost cost, Optimizer optimizer, int examples,
      RandomGenerator random);
}
