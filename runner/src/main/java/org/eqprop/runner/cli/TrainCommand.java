package org.eqprop.runner.cli;

import com.google.inject.Injector;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.train.EpochResult;
import org.eqprop.runner.train.RunDirectory;
import org.eqprop.runner.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eqprop train}: trains a model and writes a run directory. */
@Command(
    name = "train",
    description = "Train a model with Equilibrium Propagation and write config.yaml, metrics.csv and parameters.safetensors to the output directory.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--preset", paramLabel = "NAME", description = "Start from a preset: paper-1h, paper-2h, paper-3h (default settings are paper-1h).")
  String preset;

  @Option(names = "--config", paramLabel = "FILE", description = "A YAML config file, applied over the preset.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key, e.g. --set learner.beta=0.5 (repeatable).")
  List<String> sets = new ArrayList<>();

  @Option(names = "--epochs", paramLabel = "N", description = "Override training.epochs.")
  Integer epochs;

  @Option(names = "--seed", paramLabel = "N", description = "Override training.seed.")
  Long seed;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of MNIST-format IDX files (default: the bundled MNIST).")
  String data;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (beats -Deqprop.backend, EQPROP_BACKEND and backend.name).")
  String backend;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/<preset>-<timestamp>).")
  Path out;

  @Option(names = "--force", description = "Write into an output directory that is not empty.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    ConfigLoader loader = new ConfigLoader();
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("training.epochs", epochs);
    flags.put("training.seed", seed);
    flags.put("data.dir", data);
    RunConfig cfg = loader.load(preset, config, sets, flags);
    MnistData mnist = RunSetup.data(cfg);
    BackendRegistry registry = BackendRegistry.discover();
    BackendRegistry.Choice choice = RunSetup.chooseBackend(registry, backend, cfg);
    RunDirectory run = RunDirectory.check(out != null ? out : defaultOut(), force);

    Injector injector = RunSetup.injector(cfg, registry, choice, mnist.train().count());
    Backend be = injector.getInstance(Backend.class);
    try (be;
        Energy energy = injector.getInstance(Energy.class);
        Learner learner = injector.getInstance(Learner.class)) {
      Trainer trainer = injector.getInstance(Trainer.class);
      RunConfig resolved =
          new RunConfig(cfg.model(), cfg.cost(), cfg.dynamics(), cfg.learner(), cfg.optimizer(), cfg.training(), cfg.data(),
              new RunConfig.Backend(choice.entry().name(), cfg.backend().options()));
      run.start(loader.toYaml(resolved));
      w.printf(Locale.ROOT, "eqprop train: model %s %s, learner %s, backend %s (%s), %d train / %d test examples, output %s%n",
          cfg.model().name(), cfg.model().layers(), cfg.learner().name(), choice.entry().name(), choice.source(),
          mnist.train().count(), mnist.test().count(), run.path());
      w.flush();
      List<EpochResult> results =
          trainer.train(mnist, run, r -> {
            w.println(r.line(cfg.training().epochs()));
            w.flush();
          });
      EpochResult last = results.get(results.size() - 1);
      w.printf(Locale.ROOT, "done: test error %.2f%% after %d epochs; results in %s%n", 100 * last.testError(), last.epoch(), run.path());
    }
    return 0;
  }

  private Path defaultOut() {
    String stem = preset != null ? preset : config != null ? stripExtension(config.getFileName().toString()) : "run";
    return Path.of("runs", stem + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

}
