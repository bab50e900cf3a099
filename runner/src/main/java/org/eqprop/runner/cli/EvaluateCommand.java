package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunDirectory;
import org.eqprop.runner.train.Trainer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eqprop evaluate}: the error of a checkpoint's parameters. */
@Command(
    name = "evaluate",
    description = "Evaluate the parameters of a checkpoint (with the configuration stored in it) on the test set.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  static final class Source {
    @Option(names = "--checkpoint", paramLabel = "FILE", required = true, description = "A checkpoint.safetensors written by 'eqprop train'.")
    Path checkpoint;

    @Option(names = "--run", paramLabel = "DIR", required = true, description = "A run directory: evaluates DIR/checkpoint.safetensors.")
    Path run;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of MNIST IDX files or CIFAR-10 binary batches (default: the run's data.dir).")
  String data;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (default: as for train; the run's backend comes last).")
  String backend;

  @Option(names = "--train", description = "Also report the error on the training set.")
  boolean includeTrain;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    Path file = source.checkpoint != null ? source.checkpoint : source.run.resolve(RunDirectory.CHECKPOINT);
    if (source.run != null && !source.run.toFile().isDirectory()) {
      throw EqpropException.usage("run directory " + source.run + " not found");
    }
    Plugins loaded = plugins.load();
    Checkpoint checkpoint = Checkpoint.read(file);
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("data.dir", data);
    RunConfig cfg = new ConfigLoader().fromYaml(checkpoint.config(), "the configuration in checkpoint " + file, flags);
    MnistData mnist = RunSetup.data(cfg);
    BackendRegistry registry = BackendRegistry.discover(loaded.loader());
    BackendRegistry.Choice choice = RunSetup.chooseBackend(registry, backend, cfg);
    try (RunSetup.Session session = RunSetup.open(cfg, loaded, registry, choice, mnist)) {
      Trainer trainer = session.injector().getInstance(Trainer.class);
      checkpoint.restore(file, trainer.parameterTensors(), session.backend());
      double test = trainer.evaluate(mnist.test());
      w.printf(Locale.ROOT, "test_error %.2f%% (%d examples, epoch %d, backend %s)%n", 100 * test, mnist.test().count(),
          checkpoint.progress().completedEpochs(), choice.entry().name());
      if (includeTrain) {
        double train = trainer.evaluate(mnist.train());
        w.printf(Locale.ROOT, "train_error %.2f%% (%d examples)%n", 100 * train, mnist.train().count());
      }
    }
    return 0;
  }
}
