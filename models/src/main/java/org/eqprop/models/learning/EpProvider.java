package org.eqprop.models.learning;

import java.util.random.RandomGenerator;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.Optimizer;
import org.eqprop.api.spi.LearnerProvider;
import org.eqprop.api.spi.Settings;

/**
 * Registers {@link EquilibriumPropagation} as {@code ep} and, with the output clamped, as {@code
 * chl}: {@code learner.free-steps}, {@code nudged-steps}, {@code beta}, {@code random-sign}, {@code
 * persistent-particles}, {@code inference-steps}, {@code centered}.
 */
public final class EpProvider implements LearnerProvider {
  private final boolean contrastiveHebbian;

  /** Equilibrium Propagation, {@code ep}. */
  public EpProvider() {
    this(false);
  }

  private EpProvider(boolean contrastiveHebbian) {
    this.contrastiveHebbian = contrastiveHebbian;
  }

  /** Contrastive Hebbian learning, {@code chl}. */
  public static final class Chl implements LearnerProvider {
    private final EpProvider inner = new EpProvider(true);

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public String description() {
      return inner.description();
    }

    @Override
    public Learner create(Settings config, Energy energy, Dynamics dynamics, Cost cost, Optimizer optimizer,
        int examples, RandomGenerator random) {
      return inner.create(config, energy, dynamics, cost, optimizer, examples, random);
    }
  }

  @Override
  public String name() {
    return contrastiveHebbian ? EquilibriumPropagation.CHL : EquilibriumPropagation.NAME;
  }

  @Override
  public String description() {
    return contrastiveHebbian
        ? "contrastive Hebbian learning: the second phase holds the output at the target"
        : "Equilibrium Propagation: free and nudged phases (one-sided or centered), persistent particles";
  }

  @Override
  public Learner create(Settings config, Energy energy, Dynamics dynamics, Cost cost, Optimizer optimizer,
      int examples, RandomGenerator random) {
    int freeSteps = config.integer("learner.free-steps");
    EpSettings settings = new EpSettings(freeSteps, config.integer("learner.nudged-steps"),
        (float) config.number("learner.beta"), config.flag("learner.random-sign"),
        config.flag("learner.persistent-particles"), config.integer("learner.inference-steps", freeSteps),
        config.flag("learner.centered"), contrastiveHebbian);
    return new EquilibriumPropagation(energy, dynamics, cost, optimizer, settings, examples, random);
  }
}
