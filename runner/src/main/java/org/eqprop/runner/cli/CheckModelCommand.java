package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqprop.api.Energy;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.check.GradientChecker;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.train.SplitMix64;
import org.eqprop.runner.wiring.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code eqprop check-model}: every hand-written gradient of a model against finite differences. */
@Command(
    name = "check-model",
    description = "Check a model's hand-written gradients (state, parameters, contrast) against finite differences "
        + "of its energy, term by term, on a small random network, or on the network a configuration declares "
        + "(--config). Exit code 1 names the wrong terms.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class CheckModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "NAME", arity = "0..1",
      description = "The model to check (see 'eqprop models'); default: the configuration's model.")
  String name;

  @Option(names = "--layers", paramLabel = "SIZES", split = ",",
      description = "Layer sizes of the network checked (default: 7,6,5,4, or the configuration's with --config).")
  List<Integer> layers;

  @Mixin ConfigOptions config = new ConfigOptions();

  @Option(names = "--batch", paramLabel = "N", description = "Samples in the random batch (default: 3).")
  int batch = 3;

  @Option(names = "--seed", paramLabel = "N", description = "Seeds the parameters, input and states (default: 1).")
  long seed = 1;

  @Option(names = "--tolerance", paramLabel = "X", description = "Relative tolerance (default: 5e-3).")
  double tolerance = GradientChecker.DEFAULT_TOLERANCE;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to check on (default: as for train).")
  String backend;

  @Mixin PluginOptions plugins = new PluginOptions();

  /**
   * The model checked: NAME on the given (or small) layers; with {@code --preset}, {@code --config}
   * or {@code --set}, the configuration's model, NAME and {@code --layers} overriding it.
   */
  private RunConfig.Model model() {
    if (!config.given()) {
      if (name == null) {
        throw EqpropException.usage("check-model needs a model NAME, or a configuration (--config FILE) that declares one");
      }
      return new RunConfig.Model(name, layers != null ? layers : List.of(7, 6, 5, 4), java.util.Map.of());
    }
    RunConfig.Model m = config.load(new ConfigLoader(), java.util.Map.of()).model();
    return new RunConfig.Model(name != null ? name : m.name(), layers != null ? layers : m.layers(), m.interactions(),
        m.options());
  }

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    if (batch < 1) {
      throw EqpropException.usage("--batch must be >= 1, got " + batch);
    }
    if (!(tolerance > 0)) {
      throw EqpropException.usage("--tolerance must be > 0, got " + tolerance);
    }
    RunConfig.Model model = model();
    Plugins loaded = plugins.load();
    ModelRegistry models = ModelRegistry.discover(loaded);
    BackendRegistry registry = BackendRegistry.discover(loaded.loader());
    BackendRegistry.Choice choice = registry.choose(backend, System.getProperty(BackendRegistry.PROPERTY),
        System.getenv(BackendRegistry.ENVIRONMENT), null);
    try (Backend be = registry.create(choice, java.util.Map.of());
        Energy energy = models.create(model, be, SplitMix64.stream(seed, 0))) {
      GradientChecker.Report report = new GradientChecker(energy, batch, seed, tolerance, 60).check();
      w.printf(Locale.ROOT, "check-model %s, layers %s, batch %d, backend %s%n", model.name(), model.layers(), batch,
          choice.entry().name());
      w.print(report.format());
      if (report.ok()) {
        w.println("all " + report.terms().size() + " terms match finite differences");
        return 0;
      }
      w.flush();
      throw new EqpropException(report.failures().size() + " of " + report.terms().size()
          + " terms do not match finite differences: "
          + String.join(", ", report.failures().stream().map(GradientChecker.Term::name).toList()), EqpropException.FAILURE);
    }
  }
}
