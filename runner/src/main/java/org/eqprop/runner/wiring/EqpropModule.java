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
import org.eqprop.api.Parameter;
import org.eqprop.api.spi.CostProvider;
import org.eqprop.api.spi.DynamicsProvider;
import org.eqprop.api.spi.LearnerProvider;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.api.spi.Settings;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.config.Suggest;
import org.eqprop.runner.train.SplitMix64;

/**
 * Binds a run: the chosen backend, the configured model from its {@link ModelRegistry}, and the
 * dynamics, cost, optimizer and learner picked by name from the providers discovered with {@link
 * java.util.ServiceLoader} (the built-in ones and plug-ins' alike: each kind is a {@link MapBinder}
 * filled from its {@link Registry}). Every component is a singleton of the run.
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
    ComponentRegistry c = models.components();
    bindAll(DynamicsProvider.class, c.dynamics(), DynamicsProvider::name);
    bindAll(CostProvider.class, c.costs(), CostProvider::name);
    bindAll(OptimizerProvider.class, c.optimizers(), OptimizerProvider::name);
    bindAll(LearnerProvider.class, c.learners(), LearnerProvider::name);
  }

  /** A map binder of every discovered provider of one kind, by name. */
  private <T> void bindAll(Class<T> type, Registry<T> registry, java.util.function.Function<T, String> name) {
    MapBinder<String, T> binder = MapBinder.newMapBinder(binder(), String.class, type);
    for (T p : registry.providers()) {
      binder.addBinding(name.apply(p)).toInstance(p);
    }
  }

  /** Runs a provider's {@code create}, its refusal a usage error with the provider's message. */
  private static <T> T created(java.util.function.Supplier<T> create) {
    try {
      return create.get();
    } catch (IllegalArgumentException e) {
      throw EqpropException.usage(e.getMessage());
    }
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

  /** The configuration as plug-ins read it. */
  @Provides
  @Singleton
  Settings settings() {
    return Settings.of(new ConfigLoader().toTree(config));
  }

  @Provides
  @Singleton
  Dynamics dynamics(Map<String, DynamicsProvider> options, Settings settings, Energy energy) {
    DynamicsProvider p = pick(options, config.dynamics().name(), "dynamics");
    return created(() -> p.create(settings, energy));
  }

  @Provides
  @Singleton
  Cost cost(Map<String, CostProvider> options, Settings settings, Energy energy) {
    CostProvider p = pick(options, config.cost().name(), "cost");
    return created(() -> p.create(settings, energy));
  }

  @Provides
  @Singleton
  Optimizer optimizer(Map<String, OptimizerProvider> options, Settings settings, Backend backend, Energy energy,
      Cost cost) {
    OptimizerProvider p = pick(options, config.optimizer().name(), "optimizer");
    return created(() -> p.create(settings, backend, Parameter.trainable(energy, cost)));
  }

  @Provides
  @Singleton
  Learner learner(
      Map<String, LearnerProvider> options,
      Settings settings,
      Energy energy,
      Dynamics dynamics,
      Cost cost,
      Optimizer optimizer) {
    LearnerProvider p = pick(options, config.learner().name(), "learner");
    return created(() -> p.create(settings, energy, dynamics, cost, optimizer, trainingExamples, learnerRandom));
  }
}
