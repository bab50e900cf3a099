package org.eqprop.runner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Optimizer;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunDirectory;
import org.eqprop.runner.train.GradCheck;
import org.eqprop.runner.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eqprop gradcheck}: EP's estimates against the exact gradient at the free fixed point. */
@Command(
    name = "gradcheck",
    description = "Compare the EP gradient estimate of each nudging variant (positive, negative, centered beta) "
        + "with the exact gradient of the loss at the free fixed point (implicit differentiation), per layer "
        + "and beta: cosine similarity and relative error, printed and written to gradcheck.csv, gradcheck.png "
        + "and gradcheck-cosine.png.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class GradCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--checkpoint", paramLabel = "FILE", description = "Check the parameters and configuration of a checkpoint (not with --preset, --config, --set); default: a fresh network from the configuration.")
  Path checkpoint;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--batch", paramLabel = "N", description = "Examples in the checked batch (default: 20).")
  int batch = 20;

  @Option(names = "--split", paramLabel = "SPLIT", description = "Take the examples from train or test (default: train).")
  String split = "train";

  @Option(names = "--offset", paramLabel = "N", description = "Index of the first example (default: 0).")
  int offset = 0;

  @Option(names = "--betas", paramLabel = "BETAS", split = ",", description = "Nudging strengths (default: 1,0.5,0.2,0.1,0.05,0.02,0.01).")
  List<Double> betas = List.of(1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01);

  @Option(names = "--variants", paramLabel = "NAMES", split = ",", description = "Of positive, negative, centered (default: all three).")
  List<String> variants = GradCheck.VARIANTS;

  @Option(names = "--steps", paramLabel = "N", description = "Most steps of each phase (default: 5000).")
  int steps = 5000;

  @Option(names = "--tolerance", paramLabel = "TOL", description = "A phase ends when a step moves no state element by this much (default: 1e-6).")
  double tolerance = 1e-6;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of MNIST IDX files or CIFAR-10 binary batches (default: the bundled MNIST).")
  String data;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (default: as for train).")
  String backend;

  @Option(names = "--out", paramLabel = "DIR", description = "Where the CSV and plots go (default: runs/gradcheck-<timestamp>).")
  Path out;

  @Option(names = "--force", description = "Write into an output directory that is not empty.")
  boolean force;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    if (batch < 1 || steps < 1 || offset < 0 || !(tolerance >= 0)) {
      throw EqpropException.usage("--batch and --steps must be >= 1, --offset and --tolerance >= 0");
    }
    if (!split.equals("train") && !split.equals("test")) {
      throw EqpropException.usage("--split must be train or test, got '" + split + "'");
    }
    for (double b : betas) {
      if (!(b > 0) || Double.isInfinite(b)) {
        throw EqpropException.usage("--betas must be positive (the variants choose the sign), got " + b);
      }
    }
    for (String v : variants) {
      if (!GradCheck.VARIANTS.contains(v)) {
        throw EqpropException.usage("unknown variant '" + v + "' (known: " + String.join(", ", GradCheck.VARIANTS) + ")");
      }
    }
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("data.dir", data);
    flags.put("learner.free-steps", steps);
    flags.put("learner.nudged-steps", steps);
    flags.put("dynamics.tolerance", tolerance);
    ConfigLoader loader = new ConfigLoader();
    if (checkpoint != null && configOptions.given()) {
      throw EqpropException.usage("--checkpoint brings its own configuration: drop --preset, --config and --set");
    }
    Checkpoint stored = checkpoint == null ? null : Checkpoint.read(checkpoint);
    RunConfig cfg = stored == null
        ? configOptions.load(loader, flags)
        : loader.fromYaml(stored.config(), "the configuration in checkpoint " + checkpoint, flags);
    MnistData mnist = RunSetup.data(cfg);
    var examples = split.equals("train") ? mnist.train() : mnist.test();
    if (offset + batch > examples.count()) {
      throw EqpropException.usage("--offset " + offset + " + --batch " + batch + " runs past the " + examples.count()
          + " " + split + " examples");
    }
    Plugins loaded = plugins.load();
    BackendRegistry registry = BackendRegistry.discover(loaded.loader());
    BackendRegistry.Choice choice = RunSetup.chooseBackend(registry, backend, cfg);
    Path dir = RunDirectory.forNewRun(out != null ? out : Path.of("runs",
        "gradcheck-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))), force).path();
    try (RunSetup.Session session = RunSetup.open(cfg, loaded, registry, choice, mnist)) {
      if (stored != null) {
        stored.restore(checkpoint, session.injector().getInstance(Trainer.class).parameterTensors(), session.backend());
      }
      var layers = cfg.model().layers();
      EpSettings settings = new EpSettings(steps, steps, 1f, false, false, steps);
      GradCheck.Report report = GradCheck.run(session.energy(), session.injector().getInstance(Dynamics.class),
          session.injector().getInstance(Cost.class), session.injector().getInstance(Optimizer.class), examples,
          session.classes(), offset, batch, settings, variants, betas);
      var exact = report.exact();
      w.printf(Locale.ROOT, "eqprop gradcheck: model %s %s%s, %s examples %d..%d, backend %s, dynamics %s%n",
          cfg.model().name(), layers, stored == null ? " (fresh, seed " + cfg.training().seed() + ")" : " from " + checkpoint,
          split, offset, offset + batch - 1, choice.entry().name(), cfg.dynamics().name());
      w.printf(Locale.ROOT, "free fixed point: %d steps to tolerance %.1e; exact gradient: %d of %d units free, "
          + "%d conjugate-gradient iterations, residual %.1e%n", report.freeSteps(), tolerance, exact.freeUnits(),
          exact.units(), exact.iterations(), exact.residual());
      w.println("variant     beta      layer  cosine      relative_error");
      for (GradCheck.Row r : report.rows()) {
        w.printf(Locale.ROOT, "%-10s  %-8s  %5d  %.6f    %.4e%n", r.variant(), r.beta(), r.layer(), r.cosine(),
            r.relativeError());
      }
      GradCheck.write(report, dir, "EP estimate vs exact gradient, " + cfg.model().name() + " " + layers);
      w.println("wrote " + dir.resolve("gradcheck.csv") + ", gradcheck.png and gradcheck-cosine.png");
    }
    return 0;
  }
}
