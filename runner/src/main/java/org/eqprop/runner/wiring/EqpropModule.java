package org.eqprop.runner.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.MapBinder;
import com.google.inject.name.Named;
import java.util.Map;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.Optimizer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.cost.CrossEntropy;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.FixedPointDynamics;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.models.optim.Adam;
import org.eqprop.models.optim.Sgd;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.config.Suggest;
import org.eqprop.runner.train.SplitMix64;
import org.eqprop.runner.wiring.Factories.CostFactory;
import org.eqprop.runner.wiring.Factories.DynamicsFactory;
import org.eqprop.runner.wiring.Factories.LearnerFactory;
import org.eqprop.runner.wiring.Factories.OptimizerFactory;

/**
 * Binds a run: the chosen backend, the configured model from its {@link ModelRegistry}, and the
 * dynamics, cost, optimizer and learner picked by name. Every component is a singleton of the run.
 *
 * <p>Three independent random streams are derived from {@code training.seed}: initialisation,
 * shuffling and the learner's (the sign of beta). The last two are {@link SplitMix64}s whose state
 * checkpoints save, so a seed reproduces a run exactly, interrupted or not.
 */
public final class EqpropModule extends AbstractModule {
  private final RunConfig config;
  private final BackendRegistry backends;
  private final BackendRegistry.Choice choice;
  private final ModelRegistry models;
  private final int trainingExamples;
  private final SplitMix64 initRandom;
  private final SplitMix64 shuffleRandom;
  private final SplitMix64 learnerRandom;

  /**
   * @param config the run's configuration
   * @param backends the discovered backends
   * @param choice the backend chosen for this run
   * @param models the discovered models
   * @param trainingExamples size of the training set (persistent particles are kept per example)
   */
  public EqpropModule(
      RunConfig config,
      BackendRegistry backends,
      BackendRegistry.Choice choice,
      ModelRegistry models,
      int trainingExamples) {
    this.config = config;
    this.backends = backends;
    this.choice = choice;
    this.models = models;
    this.trainingExamples = trainingExamples;
    long seed = config.training().seed();
    this.initRandom = SplitMix64.stream(seed, 0);
    this.shuffleRandom = SplitMix64.stream(seed, 1);
    this.learnerRandom = SplitMix64.stream(seed, 2);
  }

  @Override
  protected void configure() {
    bind(RunConfig.class).toInstance(config);
    bind(BackendRegistry.Choice.class).toInstance(choice);

    MapBinder<String, DynamicsFactory> dynamics =
        MapBinder.newMapBinder(binder(), String.class, DynamicsFactory.class);
    dynamics
        .addBinding(GradientDynamics.NAME)
        .toInstance((c, e) -> new GradientDynamics(
            e.backend(), e.stateSizes(), (float) c.dynamics().eps(), (float) c.dynamics().tolerance()));
    dynamics.addBinding(FixedPointDynamics.NAME).toInstance(EqpropModule::fixedPoint);

    MapBinder<String, CostFactory> costs = MapBinder.newMapBinder(binder(), String.class, CostFactory.class);
    costs.addBinding(SquaredError.NAME).toInstance((c, e) -> new SquaredError(e.backend()));
    costs.addBinding(CrossEntropy.NAME).toInstance((c, e) -> new CrossEntropy(e.backend()));

    MapBinder<String, OptimizerFactory> optimizers =
        MapBinder.newMapBinder(binder(), String.class, OptimizerFactory.class);
    optimizers.addBinding(Sgd.NAME).toInstance(EqpropModule::sgd);
    optimizers.addBinding(Adam.NAME).toInstance(EqpropModule::adam);

    MapBinder<String, LearnerFactory> learners =
        MapBinder.newMapBinder(binder(), String.class, LearnerFactory.class);
    learners.addBinding(EquilibriumPropagation.NAME).toInstance((c, e, d, cost, o, n, r) -> ep(c, e, d, cost, o, n, r, false));
    learners.addBinding(EquilibriumPropagation.CHL).toInstance((c, e, d, cost, o, n, r) -> ep(c, e, d, cost, o, n, r, true));
  }

  private static Dynamics fixedPoint(RunConfig c, Energy e) {
    double beta = c.learner().beta();
    double lowest = c.learner().randomSign() ? -Math.abs(beta) : beta;
    if (lowest <= -1 && !c.learner().name().equals(EquilibriumPropagation.CHL)) {
      throw EqpropException.usage("dynamics fixed-point needs every beta > -1 (the nudged output's curvature 1 + beta "
          + "must stay positive); learner.beta " + beta + (c.learner().randomSign() ? " with learner.random-sign" : "")
          + " reaches " + lowest);
    }
    return new FixedPointDynamics(e.backend(), e.stateSizes(), (float) c.dynamics().tolerance());
  }

  private static float[] rates(RunConfig c, Energy e) {
    int groups = e.parameterGroups();
    var rates = c.optimizer().learningRates();
    if (rates.size() != groups) {
      throw EqpropException.usage(
          "config key 'optimizer.learning-rates' has " + rates.size() + " rates but the model has "
              + groups + " layers of parameters (one rate each)");
    }
    float[] r = new float[groups];
    for (int i = 0; i < groups; i++) {
      r[i] = rates.get(i).floatValue();
    }
    return r;
  }

  private static Optimizer sgd(RunConfig c, Energy e) {
    RunConfig.Optimizer o = c.optimizer();
    return new Sgd(e.backend(), e.parameters(), rates(c, e), (float) o.momentum(), (float) o.weightDecay());
  }

  private static Optimizer adam(RunConfig c, Energy e) {
    RunConfig.Optimizer o = c.optimizer();
    return new Adam(e.backend(), e.parameters(), rates(c, e), (float) o.beta1(), (float) o.beta2(),
        (float) o.epsilon(), (float) o.weightDecay());
  }

  private static Learner ep(
      RunConfig c, Energy e, Dynamics d, Cost cost, Optimizer o, int examples, java.util.random.RandomGenerator random,
      boolean contrastiveHebbian) {
    RunConfig.Learner l = c.learner();
    EpSettings settings =
        new EpSettings(
            l.freeSteps(), l.nudgedSteps(), (float) l.beta(), l.randomSign(), l.persistentParticles(),
            l.effectiveInferenceSteps(), l.centered(), contrastiveHebbian);
    return new EquilibriumPropagation(e, d, cost, o, settings, examples, random);
  }

  static <T> T pick(Map<String, T> options, String name, String what) {
    T t = options.get(name);
    if (t == null) {
      throw EqpropException.usage(
          "Unknown " + what + " '" + name + "'"
              + Suggest.hint(name, options.keySet())
              + ". Known: " + new java.util.TreeSet<>(options.keySet()));
    }
    return t;
  }

  @Provides
  @Singleton
  Backend backend() {
    return backends.create(choice, config.backend().options());
  }

  @Provides
  @Singleton
  Energy energy(Backend backend) {
    return models.create(config.model(), backend, initRandom);
  }

  /** The stream that shuffles the training set each epoch. */
  @Provides
  @Singleton
  @Named("shuffle")
  SplitMix64 shuffle() {
    return shuffleRandom;
  }

  /** The learner's stream. */
  @Provides
  @Singleton
  @Named("learner")
  SplitMix64 learnerRandom() {
    return learnerRandom;
  }

  @Provides
  @Singleton
  Dynamics dynamics(Map<String, DynamicsFactory> options, Energy energy) {
    return pick(options, config.dynamics().name(), "dynamics").create(config, energy);
  }

  @Provides
  @Singleton
  Cost cost(Map<String, CostFactory> options, Energy energy) {
    return pick(options, config.cost().name(), "cost").create(config, energy);
  }

  @Provides
  @Singleton
  Optimizer optimizer(Map<String, OptimizerFactory> options, Energy energy) {
    return pick(options, config.optimizer().name(), "optimizer").create(config, energy);
  }

  @Provides
  @Singleton
  Learner learner(
      Map<String, LearnerFactory> options,
      Energy energy,
      Dynamics dynamics,
      Cost cost,
      Optimizer optimizer) {
    return pick(options, config.learner().name(), "learner")
        .create(config, energy, dynamics, cost, optimizer, trainingExamples, learnerRandom);
  }
}
