package org.eqprop.runner.cli;

import com.google.inject.Injector;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.train.RunDirectory;
import org.eqprop.runner.train.SafeTensors;
import org.eqprop.runner.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eqprop evaluate}: the error of a finished run's parameters. */
@Command(
    name = "evaluate",
    description = "Evaluate the parameters of a run directory (its config.yaml and parameters.safetensors) on the test set.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--run", paramLabel = "DIR", required = true, description = "A directory written by 'eqprop train'.")
  Path run;

  @Option(names = "--parameters", paramLabel = "FILE", description = "Parameters to load (default: DIR/parameters.safetensors).")
  Path parameters;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of MNIST-format IDX files (default: the run's data.dir).")
  String data;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (default: as for train; the run's backend.name comes last).")
  String backend;

  @Option(names = "--train", description = "Also report the error on the training set.")
  boolean includeTrain;

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    if (!run.toFile().isDirectory()) {
      throw EqpropException.usage("run directory " + run + " not found");
    }
    ConfigLoader loader = new ConfigLoader();
    RunConfig cfg = loader.read(run.resolve(RunDirectory.CONFIG));
    if (data != null) {
      cfg = new RunConfig(cfg.model(), cfg.cost(), cfg.dynamics(), cfg.learner(), cfg.optimizer(), cfg.training(),
          new RunConfig.Data(data), cfg.backend());
    }
    MnistData mnist = RunSetup.data(cfg);
    BackendRegistry registry = BackendRegistry.discover();
    BackendRegistry.Choice choice = RunSetup.chooseBackend(registry, backend, cfg);
    Injector injector = RunSetup.injector(cfg, registry, choice, mnist.train().count());
    Backend be = injector.getInstance(Backend.class);
    try (be;
        Energy energy = injector.getInstance(Energy.class);
        Learner learner = injector.getInstance(Learner.class)) {
      Path file = parameters != null ? parameters : run.resolve(RunDirectory.PARAMETERS);
      SafeTensors.load(file, energy.parameters(), be);
      Trainer trainer = injector.getInstance(Trainer.class);
      double test = trainer.evaluate(mnist.test());
      w.printf(Locale.ROOT, "test_error %.2f%% (%d examples, backend %s)%n", 100 * test, mnist.test().count(), choice.entry().name());
      if (includeTrain) {
        double train = trainer.evaluate(mnist.train());
        w.printf(Locale.ROOT, "train_error %.2f%% (%d examples)%n", 100 * train, mnist.train().count());
      }
    }
    return 0;
  }
}
