package org.eqprop.runner.wiring;

import java.util.random.RandomGenerator;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.Optimizer;
import org.eqprop.runner.config.RunConfig;

/** The factory types bound by name in {@link EqpropModule}'s map binders. */
public final class Factories {
  private Factories() {}

  /** Builds a {@link Dynamics} for a model. */
  @FunctionalInterface
  public interface DynamicsFactory {
    /** @return the dynamics the configuration describes */
    Dynamics create(RunConfig config, Energy energy);
  }

  /** Builds a {@link Cost}. */
  @FunctionalInterface
  public interface CostFactory {
    /** @return the cost the configuration describes */
    Cost create(RunConfig config, Energy energy);
  }

  /** Builds an {@link Optimizer} for a model's parameters. */
  @FunctionalInterface
  public interface OptimizerFactory {
    /** @return the optimizer the configuration describes */
    Optimizer create(RunConfig config, Energy energy);
  }

  /** Builds a {@link Learner} from the other components. */
  @FunctionalInterface
  public interface LearnerFactory {
    /**
     * @param examples size of the training set
     * @param random the learner's own random stream
     * @return the learner the configuration describes
     */
    Learner create(
        RunConfig config,
        Energy energy,
        Dynamics dynamics,
        Cost cost,
        Optimizer optimizer,
        int examples,
        RandomGenerator random);
  }
}
