package org.eqprop.runner.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.run.RunDirectory;
import org.eqprop.runner.train.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eqprop bench}: the same model and settings on each chosen backend and batch size. */
@Command(
    name = "bench",
    description = "Measure training samples/s (after a warm-up), time per phase, inference samples/s and memory "
        + "of the same model on each backend and batch size; print a table and write bench.csv and bench.png.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--backends", paramLabel = "NAMES", split = ",", description = "Backends to measure (default: every available one).")
  List<String> backends = new ArrayList<>();

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--batch-sizes", paramLabel = "SIZES", split = ",", description = "Training batch sizes (default: 20,256).")
  List<Integer> batchSizes = List.of(20, 256);

  @Option(names = "--batches", paramLabel = "N", description = "Timed training batches per measurement (default: "
      + TIMED_EXAMPLES + " examples' worth and at least " + MIN_BATCHES + ").")
  Integer batches;

  /** The default timed examples: at small batches a few hundred batches last a fraction of a second. */
  static final int TIMED_EXAMPLES = 60_000;
  /** The fewest timed batches by default. */
  static final int MIN_BATCHES = 300;

  @Option(names = "--warmup", paramLabel = "N", description = "Untimed training batches first, so the JIT has compiled "
      + "the kernels (default: as many as --batches where that is given, else " + WARMUP_EXAMPLES
      + " examples' worth, two MNIST epochs, and at least " + MIN_WARMUP + ").")
  Integer warmup;

  /**
   * The default warm-up in examples: small batches need more of them before the JIT is done
   * ({@code paper-1h} on {@code ejml} at batch 20: 73–75k samples/s after 3,000 batches, 101k after
   * 6,000, 103k after 12,000).
   */
  static final int WARMUP_EXAMPLES = 120_000;
  /** The fewest warm-up batches by default. */
  static final int MIN_WARMUP = 200;

  @Option(names = "--inference", paramLabel = "N", description = "Examples predicted for the inference figure (default: 5000).")
  int inference = 5000;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of MNIST IDX files or CIFAR-10 binary batches (default: the bundled MNIST).")
  String data;

  @Option(names = "--out", paramLabel = "DIR", description = "Where bench.csv and bench.png go (default: runs/bench-<timestamp>).")
  Path out;

  @Option(names = "--force", description = "Write into an output directory that is not empty.")
  boolean force;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    for (int b : batchSizes) {
      if (b < 1) {
        throw EqpropException.usage("--batch-sizes must be >= 1, got " + b);
      }
    }
    if (batches != null && batches < 1 || warmup != null && warmup < 0 || inference < 1) {
      throw EqpropException.usage("--batches and --inference must be >= 1 and --warmup >= 0");
    }
    ConfigLoader loader = new ConfigLoader();
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("data.dir", data);
    RunConfig base = configOptions.load(loader, flags);
    Plugins loaded = plugins.load();
    BackendRegistry registry = BackendRegistry.discover(loaded.loader());
    List<BackendRegistry.Choice> chosen = new ArrayList<>();
    if (backends.isEmpty()) {
      for (BackendRegistry.Entry e : registry.entries()) {
        if (e.availability().available()) {
          chosen.add(new BackendRegistry.Choice(e, "every available"));
        }
      }
    } else {
      for (String name : backends) {
        chosen.add(registry.choose(name, null, null, null));
      }
    }
    MnistData mnist = RunSetup.data(base);
    Path dir = RunDirectory.forNewRun(out != null ? out : Path.of("runs",
        "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))), force).path();
    // each backend started once before the table, so what its natives print on loading comes first
    for (BackendRegistry.Choice choice : chosen) {
      registry.create(choice, base.backend().options()).close();
    }
    String warm = warmup != null ? warmup + " warm-up"
        : batches != null ? batches + " warm-up (as many as timed)"
        : "warm-up of " + WARMUP_EXAMPLES + " examples (at least " + MIN_WARMUP + " batches)";
    String timed = batches != null ? batches + " timed batches" : TIMED_EXAMPLES + " timed examples (at least " + MIN_BATCHES + " batches)";
    w.printf("eqprop bench: model %s %s, %s + %s, %s%n", base.model().name(), base.model().layers(),
        warm, timed, configOptions.presetName());
    w.println(Benchmark.Result.tableHeader());
    w.flush();
    List<Benchmark.Result> results = new ArrayList<>();
    for (BackendRegistry.Choice choice : chosen) {
      for (int batch : batchSizes) {
        RunConfig cfg = base.withBatchSize(batch).withBackendName(choice.entry().name());
        try (RunSetup.Session session = RunSetup.open(cfg, loaded, registry, choice, mnist)) {
          Benchmark.Result r = Benchmark.run(choice.entry().name(), session.backend(), session.classes(),
              session.learner(), mnist.train(), batch, warmupBatches(batch),
              timedBatches(batch), cfg.training().evalBatchSize(), inference);
          results.add(r);
          w.println(r.tableRow());
          w.flush();
        }
      }
    }
    Benchmark.write(results, dir, "eqprop " + base.model().name() + " " + base.model().layers() + " (" + configOptions.presetName() + ")");
    w.println("wrote " + dir.resolve("bench.csv") + " and " + dir.resolve("bench.png"));
    return 0;
  }

  /** {@code --batches}, or by default {@link #TIMED_EXAMPLES} examples' worth of batches of {@code batch}. */
  int timedBatches(int batch) {
    return batches != null ? batches : Math.max(MIN_BATCHES, (TIMED_EXAMPLES + batch - 1) / batch);
  }

  /**
   * {@code --warmup}; by default as many as {@code --batches} where that is given (a short bench
   * stays short), else {@link #WARMUP_EXAMPLES} examples' worth of batches of {@code batch}.
   */
  int warmupBatches(int batch) {
    if (warmup != null) {
      return warmup;
    }
    return batches != null ? batches : Math.max(MIN_WARMUP, (WARMUP_EXAMPLES + batch - 1) / batch);
  }
}
