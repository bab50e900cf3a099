package org.eqprop.runner.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.wiring.EqpropModule;
import org.eqprop.runner.wiring.ModelRegistry;

/**
 * The steps every command that runs a model shares, in the order of the data flow: configuration →
 * data → backend choice → injector.
 */
final class RunSetup {
  /** The system property the launcher sets to the eqprop installation directory. */
  static final String HOME_PROPERTY = "eqprop.home";

  private RunSetup() {}

  /** {@code data.dir}, or the bundled MNIST when it is empty. */
  static Path dataDir(RunConfig config) {
    if (!config.data().dir().isBlank()) {
      return Path.of(config.data().dir());
    }
    String home = System.getProperty(HOME_PROPERTY);
    return home == null ? Path.of("data", "mnist") : Path.of(home, "data", "mnist");
  }

  /** Loads the data set, applies the limits and checks it against the model's layer sizes. */
  static MnistData data(RunConfig config) {
    MnistData full = MnistData.load(dataDir(config));
    MnistData data =
        new MnistData(full.train().limit(config.training().trainLimit()), full.test().limit(config.training().testLimit()));
    var layers = config.model().layers();
    data.requireShape(layers.get(0), layers.get(layers.size() - 1));
    return data;
  }

  /** Chooses the backend by precedence: flag, system property, environment, configuration. */
  static BackendRegistry.Choice chooseBackend(BackendRegistry registry, String flag, RunConfig config) {
    return registry.choose(
        flag,
        System.getProperty(BackendRegistry.PROPERTY),
        System.getenv(BackendRegistry.ENVIRONMENT),
        config.backend().name());
  }

  /** The injector of a run. */
  static Injector injector(RunConfig config, Plugins plugins, BackendRegistry registry, BackendRegistry.Choice choice,
      int trainingExamples) {
    return Guice.createInjector(
        new EqpropModule(config, registry, choice, ModelRegistry.discover(plugins), trainingExamples));
  }
}
