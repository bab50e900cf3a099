package org.eqprop.runner.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import java.util.ServiceLoader;
import org.eqprop.api.Cost;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.train.Trainer;
import org.eqprop.runner.train.Workers;
import org.eqprop.runner.train.WorkersProvider;
import org.eqprop.runner.wiring.EqpropModule;
import org.eqprop.runner.wiring.ModelRegistry;

/**
 * The steps every command that runs a model shares, in the order of the data flow: configuration →
 * data → backend choice → injector.
 */
public final class RunSetup {
  /** The system property the launcher sets to the eqprop installation directory. */
  static final String HOME_PROPERTY = "eqprop.home";

  private RunSetup() {}

  /** {@code data.dir}, or the bundled MNIST when it is empty. */
  static Path dataDir(RunConfig config) {
    if (!config.data().dir().isBlank()) {
      return Path.of(config.data().dir());
    }
    return bundledData();
  }

  /**
   * The bundled MNIST: {@code data/mnist} under the installation the launcher names in
   * {@code -Deqprop.home}, else under the working directory.
   */
  public static Path bundledData() {
    String home = System.getProperty(HOME_PROPERTY);
    return home == null ? Path.of("data", "mnist") : Path.of(home, "data", "mnist");
  }

  /**
   * Loads the data set, applies the limits and checks it against the model's input layer ({@link
   * #open} checks the labels against the run's classes).
   */
  public static MnistData data(RunConfig config) {
    MnistData full = MnistData.load(dataDir(config));
    MnistData data =
        new MnistData(full.train().limit(config.training().trainLimit()), full.test().limit(config.training().testLimit()));
    if (config.data().normalize().equals("per-channel")) {
      double[] statistics = data.train().channelStatistics();
      data = new MnistData(data.train().normalized(statistics), data.test().normalized(statistics));
    }
    data.requireInputs(config.model().layers().get(0));
    return data;
  }

  /**
   * The workers of {@code distributed.engine}, from the {@link WorkersProvider} of that name on the
   * class path (the Spark module's for {@code spark}).
   */
  static Workers workers(RunConfig config, String configYaml, Plugins plugins) {
    return engine(config, plugins).open(config, configYaml);
  }

  /** The provider of {@code distributed.engine}; a usage error, before anything is written, when none is found. */
  static WorkersProvider engine(RunConfig config, Plugins plugins) {
    String engine = config.distributed().engine();
    for (WorkersProvider p : ServiceLoader.load(WorkersProvider.class, plugins.loader())) {
      if (p.name().equals(engine)) {
        return p;
      }
    }
    throw EqpropException.usage("distributed.engine " + engine + " needs eqprop's Spark module on the class path: "
        + "pass --engine " + engine + " to ./eqprop (the launcher adds the module for it; build it with "
        + "'mvn -q -B package -DskipTests')");
  }

  /** Chooses the backend by precedence: flag, system property, environment, configuration. */
  public static BackendRegistry.Choice chooseBackend(BackendRegistry registry, String flag, RunConfig config) {
    return registry.choose(
        flag,
        System.getProperty(BackendRegistry.PROPERTY),
        System.getenv(BackendRegistry.ENVIRONMENT),
        config.backend().name());
  }

  /**
   * The components of a run, from its injector; closing releases the learner, the model and the
   * backend, in that order.
   *
   * @param injector the run's injector
   * @param backend the chosen backend
   * @param energy the model
   * @param learner the learner
   */
  public record Session(Injector injector, Backend backend, Energy energy, Learner learner) implements AutoCloseable {
    /** The width of the run's targets: the classes its cost scores from the model's output layer. */
    public int classes() {
      return Trainer.classes(energy, injector.getInstance(Cost.class));
    }

    @Override
    public void close() {
      try (Backend b = backend; Energy e = energy; Learner l = learner) {
        // try-with-resources closes l, then e, then b, even if one of them throws
      }
    }
  }

  /**
   * Wires a run and creates its backend, model and learner (the backend is closed if the rest fails),
   * and checks {@code data}'s labels against the run's classes.
   */
  public static Session open(RunConfig config, Plugins plugins, BackendRegistry registry, BackendRegistry.Choice choice,
      MnistData data) {
    Injector injector = Guice.createInjector(
        new EqpropModule(config, registry, choice, ModelRegistry.discover(plugins), data.train().count()));
    Backend backend = injector.getInstance(Backend.class);
    try {
      Energy energy = injector.getInstance(Energy.class);
      try {
        Learner learner = injector.getInstance(Learner.class);
        try {
          Session session = new Session(injector, backend, energy, learner);
          Cost cost = injector.getInstance(Cost.class);
          int classes = session.classes();
          data.requireLabels(classes, cost.parameters().isEmpty()
              ? "model's " + classes + " outputs (model.layers ends with " + classes + ")"
              : classes + " classes of cost " + cost.name() + " (cost.options.classes)");
          return session;
        } catch (RuntimeException e) {
          learner.close();
          throw e;
        }
      } catch (RuntimeException e) {
        energy.close();
        throw e;
      }
    } catch (RuntimeException e) {
      backend.close();
      throw e;
    }
  }
}
