package org.eqprop.spark;

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
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.cli.ExtensionCommand;
import org.eqprop.runner.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code eqprop sweep}: the runs of a sweep file as Spark tasks, one run per task, on embedded
 * {@code local[*]} by default or on a cluster ({@code --master spark://HOST:PORT}); then {@code
 * OUT/sweep.csv} and {@code OUT/sweep.png}.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
        "Train every run of a sweep file (a base preset or config, and axes: configuration keys with lists of "
            + "values) as Spark tasks, each exactly as 'eqprop train' trains it into OUT/runs/NAME/; then write "
            + "OUT/sweep.csv (a row per run) and OUT/sweep.png (test error against each axis).",
        "A failed attempt (an error, a lost executor) is retried by Spark from the run's last checkpoint; a run "
            + "that fails for good is a row with its reason."})
public final class SweepCommand implements ExtensionCommand {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SWEEP.yaml", description = "The sweep file (see docs/distributed.md).")
  Path sweepFile;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master: local[*] (embedded, the default; under spark-submit, its --master), local[N], "
          + "or spark://HOST:PORT.")
  String master;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Output directory, reachable at the same path from every executor (default: runs/sweep-<timestamp>).")
  Path out;

  @Option(names = "--resume", description = "Continue the sweep in --out: finished runs are skipped, unfinished ones "
      + "continue from their checkpoints.")
  boolean resume;

  @Option(names = "--force", description = "Start again in a non-empty --out (an earlier sweep's runs there are "
      + "deleted), and allow more than " + Sweep.LIMIT + " runs.")
  boolean force;

  @Option(names = "--attempts", paramLabel = "N", defaultValue = "3",
      description = "Attempts per run before it counts as failed (spark.task.maxFailures; default ${DEFAULT-VALUE}).")
  int attempts;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "A Spark setting, e.g. --conf spark.executor.memory=4g (repeatable).")
  List<String> conf = new ArrayList<>();

  @Option(names = "--quiet", description = "Print nothing but errors.")
  boolean quiet;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter w = spec.commandLine().getOut();
    if (attempts < 1) {
      throw EqpropException.usage("--attempts must be at least 1, got " + attempts);
    }
    ConfigLoader loader = new ConfigLoader();
    SweepFile file = SweepFile.read(sweepFile, loader);
    List<SweepRun> runs = Sweep.plan(file, loader, force);
    Path dir = (out != null ? out : Path.of("runs", "sweep-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))).toAbsolutePath().normalize();
    if (resume && out == null) {
      throw EqpropException.usage("--resume needs --out DIR, the sweep to continue");
    }
    String url = master != null ? master : System.getProperty("spark.master", "local[*]");
    SparkConf sparkConf = SparkSetup.conf("eqprop sweep", url, attempts, conf);
    Sweep.prepare(dir, file, runs, resume, force);
    say(w, String.format(Locale.ROOT, "eqprop sweep: %d run%s on %s, output %s", runs.size(),
        runs.size() == 1 ? "" : "s", sparkConf.get("spark.master"), dir));
    Map<String, RunOutcome> outcomes = run(sparkConf, dir, runs, w);
    List<SweepTable.Row> rows = SweepTable.rows(dir, runs, outcomes, loader);
    SweepTable.write(dir.resolve("sweep.csv"), file.axes(), rows);
    SweepPlot.write(dir.resolve("sweep.png"), file.axes(), rows);
    long failed = outcomes.values().stream().filter(o -> o.status().equals(RunOutcome.FAILED)).count();
    say(w, String.format(Locale.ROOT, "done: %d of %d runs finished%s; %s, %s", runs.size() - failed, runs.size(),
        failed == 0 ? "" : ", " + failed + " failed (see the reason column)", dir.resolve("sweep.csv"),
        dir.resolve("sweep.png")));
    return failed == 0 ? 0 : EqpropException.FAILURE;
  }

  /**
   * Each run as a Spark job of one task, all submitted at once (Spark runs as many as it has cores),
   * so that one run's failure ends that job only; outcomes are printed as they come.
   */
  private Map<String, RunOutcome> run(SparkConf sparkConf, Path dir, List<SweepRun> runs, PrintWriter w)
      throws InterruptedException {
    Map<String, RunOutcome> outcomes = new LinkedHashMap<>();
    int tries = Integer.parseInt(sparkConf.get("spark.task.maxFailures"));
    try (JavaSparkContext sc = new JavaSparkContext(sparkConf)) {
      sc.setLogLevel("WARN");
      RunTask task = new RunTask(dir, tries);
      Map<String, JavaFutureAction<List<RunOutcome>>> jobs = new LinkedHashMap<>();
      for (SweepRun run : runs) {
        jobs.put(run.name(), sc.parallelize(List.of(run), 1).map(task).collectAsync());
      }
      while (!jobs.isEmpty()) {
        for (var it = jobs.entrySet().iterator(); it.hasNext(); ) {
          var job = it.next();
          if (!job.getValue().isDone()) {
            continue;
          }
          it.remove();
          RunOutcome outcome;
          try {
            outcome = job.getValue().get().get(0);
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = String.valueOf(cause.getMessage()).lines().findFirst().orElse(cause.toString());
            outcome = new RunOutcome(job.getKey(), RunOutcome.FAILED, "Spark: " + reason, "", tries);
          }
          outcomes.put(job.getKey(), outcome);
          say(w, String.format(Locale.ROOT, "run %s: %s%s (%d of %d)", outcome.name(), outcome.status(),
              outcome.reason().isEmpty() ? "" : ": " + outcome.reason(), outcomes.size(), runs.size()));
        }
        Thread.sleep(100);
      }
    }
    return outcomes;
  }

  private void say(PrintWriter w, String line) {
    if (!quiet) {
      w.println(line);
      w.flush();
    }
  }
}
