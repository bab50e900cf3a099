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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.backend.BackendRegistry;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.MnistData;
import org.eqprop.runner.plugins.Plugins;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunDirectory;
import org.eqprop.runner.run.RunId;
import org.eqprop.runner.train.EpochResult;
import org.eqprop.runner.train.JitWarmup;
import org.eqprop.runner.train.Progress;
import org.eqprop.runner.train.Trainer;
import org.eqprop.runner.train.Workers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code eqprop train}: trains a model, or resumes a run, and writes a run directory. */
@Command(
    name = "train",
    description = "Train a model with Equilibrium Propagation, writing config.yaml, metrics.csv, metrics.png and "
        + "checkpoint.safetensors (after every epoch and on Ctrl-C) to the output directory.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
public final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigOptions configOptions = new ConfigOptions();

  @Option(names = "--epochs", paramLabel = "N", description = "Override training.epochs (with --resume: train until epoch N).")
  Integer epochs;

  @Option(names = "--seed", paramLabel = "N", description = "Override training.seed.")
  Long seed;

  @Option(names = "--data", paramLabel = "DIR", description = "Directory of MNIST IDX files or CIFAR-10 binary batches (default: the bundled MNIST).")
  String data;

  @Option(names = "--backend", paramLabel = "NAME", description = "Backend to use (beats -Deqprop.backend, EQPROP_BACKEND and backend.name).")
  String backend;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: runs/<preset>-<timestamp>).")
  Path out;

  @Option(names = "--force", description = "Write into an output directory that is not empty (a previous run there is overwritten).")
  boolean force;

  @Option(names = "--resume", paramLabel = "DIR", description = "Continue the run in DIR from its checkpoint, with its configuration.")
  Path resume;

  @Option(names = "--model", paramLabel = "NAME", description = "Override model.name (see 'eqprop models').")
  String model;

  @Option(names = "--engine", paramLabel = "NAME",
      description = "Override distributed.engine: local (one process) or spark (data-parallel workers on Apache Spark; "
          + "the launcher then adds the Spark module to the class path).")
  String engine;

  @Option(names = "--workers", paramLabel = "N", description = "Override distributed.workers (with --engine spark).")
  Integer workers;

  @Option(names = "--sync-every", paramLabel = "K",
      description = "Override distributed.sync-every: minibatches per worker between parameter averages.")
  Integer syncEvery;

  @Option(names = "--master", paramLabel = "URL", description = "Override distributed.master (local[*], local[N], spark://HOST:PORT).")
  String master;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Option(names = "--quiet", description = "Print nothing but errors.")
  boolean quiet;

  @Option(names = "--json", description = "Print one JSON object per epoch on standard output and nothing else there.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter w = spec.commandLine().getOut();
    ConfigLoader loader = new ConfigLoader();
    Map<String, Object> flags = new LinkedHashMap<>();
    flags.put("training.epochs", epochs);
    flags.put("data.dir", data);
    Plugins loaded = plugins.load();

    if (out != null && out.toString().isBlank()) {
      throw EqpropException.usage("--out is empty: name a directory for the run, or leave it out for runs/<name>-<time>");
    }
    RunConfig cfg = null;
    RunDirectory run;
    Checkpoint checkpoint = null;
    if (resume != null) {
      if (configOptions.given() || seed != null || out != null || force || model != null || workers != null
          || syncEvery != null || master != null) {
        throw EqpropException.usage("--resume continues a run with its own configuration and directory; "
            + "it takes only --epochs, --data, --backend, --engine and --plugins besides");
      }
      run = RunDirectory.existing(resume);
    } else {
      flags.put("training.seed", seed);
      flags.put("model.name", model);
      flags.put("distributed.engine", engine);
      flags.put("distributed.workers", workers);
      flags.put("distributed.sync-every", syncEvery);
      flags.put("distributed.master", master);
      cfg = configOptions.load(loader, flags);
      if (!cfg.distributed().engine().equals("local")) {
        RunSetup.engine(cfg, loaded);
      }
      run = RunDirectory.forNewRun(out != null ? out : defaultOut(), force);
    }
    RunDirectory target = run;
    try (RunDirectory.Claim claim = run.claim(() -> {
      if (resume == null) {
        RunDirectory.forNewRun(target.path(), force);
      }
    });
        Interruptible interruptible = new Interruptible(claim)) {
      String runId;
      if (resume != null) {
        checkpoint = Checkpoint.read(run.checkpoint());
        runId = RunId.of(checkpoint.config());
        RunId.requireSame(run, runId);
        cfg = loader.fromYaml(checkpoint.config(), "the configuration in checkpoint " + run.checkpoint(), flags);
        if (engine != null && !engine.equals(cfg.distributed().engine())) {
          throw EqpropException.usage("--engine " + engine + " does not match the run in " + resume
              + ": it trains with distributed.engine " + cfg.distributed().engine());
        }
        Progress p = checkpoint.progress();
        if (p.completedEpochs() >= cfg.training().epochs()) {
          throw EqpropException.usage("the run in " + resume + " already finished " + p.completedEpochs()
              + " epochs; pass --epochs N with N > " + p.completedEpochs() + " to train further");
        }
      } else {
        runId = RunId.fresh();
      }
      return train(w, loader, loaded, cfg, run, checkpoint, runId, claim, interruptible);
    }
  }

  private int train(PrintWriter w, ConfigLoader loader, Plugins loaded, RunConfig cfg, RunDirectory run,
      Checkpoint checkpoint, String runId, RunDirectory.Claim claim, Interruptible interruptible) throws IOException {
    String takenOver = claim.takenOver();
    MnistData mnist = RunSetup.data(cfg);
    BackendRegistry registry = BackendRegistry.discover(loaded.loader());
    BackendRegistry.Choice choice = RunSetup.chooseBackend(registry, backend, cfg);
    MemoryEstimate.require(cfg, mnist.train().count(), mnist.test().count(),
        choice.entry().provider().tensorsOnHeap(), Runtime.getRuntime().maxMemory());
    String yaml = RunId.header(runId) + loader.toYaml(cfg.withBackendName(choice.entry().name()));

    ConsoleListener console = new ConsoleListener(ConsoleListener.mode(quiet, json), w, cfg.training().epochs());
    boolean distributed = !cfg.distributed().engine().equals("local");
    if (!distributed) {
      try (RunSetup.Session warm = RunSetup.open(cfg, loaded, registry, choice, mnist)) {
        JitWarmup.run(warm.backend(), warm.learner(), mnist.train(), cfg.training().batchSize(), warm.classes(),
            interruptible.stop::get);
      }
    }
    if (interruptible.stop.get()) {
      // Ctrl-C while the data loaded or the JIT warmed: the run has written nothing yet
      PrintWriter err = spec.commandLine().getErr();
      err.println("eqprop: interrupted before training started; nothing was written");
      err.flush();
      return EqpropException.INTERRUPTED;
    }
    return train(loaded, registry, choice, mnist, cfg, run, checkpoint, yaml, takenOver, console, distributed,
        interruptible);
  }

  /** Opens the run's session, starts or restores the run and trains it. */
  private int train(Plugins loaded, BackendRegistry registry, BackendRegistry.Choice choice, MnistData mnist,
      RunConfig cfg, RunDirectory run, Checkpoint checkpoint, String yaml, String takenOver, ConsoleListener console,
      boolean distributed, Interruptible interruptible) throws IOException {
    try (RunSetup.Session session = RunSetup.open(cfg, loaded, registry, choice, mnist);
        Workers workers = distributed ? RunSetup.workers(cfg, yaml, loaded) : null) {
      Trainer trainer = session.injector().getInstance(Trainer.class);
      Progress from;
      if (checkpoint != null) {
        from = trainer.restore(checkpoint, run.checkpoint());
        if (checkpoint.metrics() != null) {
          run.writeMetrics(checkpoint.metrics());
        } else {
          run.keepMetrics(from.completedEpochs());
        }
        run.writeConfig(yaml);
      } else {
        from = trainer.start();
        run.start(yaml);
      }
      if (takenOver != null) {
        console.info("eqprop train: the run that held " + run.path() + " (" + takenOver + ") ended without "
            + "releasing it; this run took it over");
      }
      String source = checkpoint != null && choice.source().equals("backend.name")
          ? "the backend the run was trained on" : choice.source();
      console.info(String.format(Locale.ROOT,
          "eqprop train: model %s %s, learner %s, backend %s (%s), %d train / %d test examples, output %s%s",
          cfg.model().name(), cfg.model().layers(), cfg.learner().name(), choice.entry().name(), source,
          mnist.train().count(), mnist.test().count(), run.path(), checkpoint == null ? "" : ", resuming from the "
              + "checkpoint saved " + (from.nextBatch() == 0
                  ? "after epoch " + from.completedEpochs()
                  : "at epoch " + (from.completedEpochs() + 1) + ", minibatch " + from.nextBatch())));
      return trainInterruptibly(trainer, mnist, from, run, yaml, console, workers, interruptible);
    }
  }

  /**
   * A shutdown hook, from the claim on the run's directory to the end of training, that turns
   * Ctrl-C into {@link #stop} and waits (at most 120 s) for the command to end: training saves a
   * checkpoint, the JIT warm-up ends, and the command exits with code 130; the claim is released
   * before the hook lets the JVM exit (a directory the run created and never wrote to is removed).
   */
  private static final class Interruptible implements AutoCloseable {
    final AtomicBoolean stop = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final RunDirectory.Claim claim;
    private final Thread hook;

    Interruptible(RunDirectory.Claim claim) {
      this.claim = claim;
      this.hook = new Thread(() -> {
        stop.set(true);
        try {
          finished.await(120, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "eqprop-checkpoint-on-exit");
      Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
      claim.close(); // before the hook lets the JVM exit (Ctrl-C): the run releases its directory
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting (Ctrl-C): the hook is running and now returns
      }
    }
  }

  /** Trains until the last epoch or Ctrl-C, which saves a checkpoint and exits with code 130. */
  private int trainInterruptibly(Trainer trainer, MnistData mnist, Progress from, RunDirectory run, String yaml,
      ConsoleListener console, Workers workers, Interruptible interruptible) {
    try {
      List<EpochResult> results = trainer.train(mnist, from, run, yaml, console, interruptible.stop::get, workers);
      if (!results.isEmpty()) {
        EpochResult last = results.get(results.size() - 1);
        console.info(String.format(Locale.ROOT, "done: test error %.2f%% after %d epoch%s; results in %s",
            100 * last.testError(), last.epoch(), last.epoch() == 1 ? "" : "s", run.path()));
      }
      return 0;
    } catch (Trainer.Stopped s) {
      console.closeBar();
      PrintWriter err = spec.commandLine().getErr();
      err.println("eqprop: " + s.getMessage());
      err.flush();
      return s.exitCode();
    } finally {
      console.closeBar();
    }
  }

  private Path defaultOut() {
    String stem = configOptions.preset != null ? configOptions.preset
        : configOptions.config != null ? stripExtension(configOptions.config.getFileName().toString()) : "run";
    return Path.of("runs", stem + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
