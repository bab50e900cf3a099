package org.eqprop.spark;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.Main;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunDirectory;

/**
 * A Spark task's work: one run, trained exactly as {@code eqprop train} trains it (the same command,
 * in the executor's JVM) into {@code OUT/runs/NAME/}. A run with a checkpoint continues from it, so
 * Spark's retry of a lost or failed attempt resumes where the last checkpoint left it; a finished
 * run is not trained again. A configuration or data error (exit code 2) fails for good at once; any
 * other failure is thrown for Spark to retry until the last attempt, which reports it instead, so a
 * run that fails for good is a row of the sweep, not a lost sweep.
 */
final class RunTask implements Function<SweepRun, RunOutcome> {
  private static final long serialVersionUID = 1L;

  private final String out;
  private final int attempts;

  /**
   * @param out the sweep's output directory, absolute and reachable from every executor
   * @param attempts the attempts Spark makes of a task ({@code spark.task.maxFailures})
   */
  RunTask(Path out, int attempts) {
    this.out = out.toAbsolutePath().toString();
    this.attempts = attempts;
  }

  @Override
  public RunOutcome call(SweepRun run) {
    TaskContext context = TaskContext.get();
    int attempt = context == null ? 0 : context.attemptNumber();
    Path dir = Path.of(out, "runs", run.name());
    Path checkpoint = dir.resolve(RunDirectory.CHECKPOINT);
    List<String> args;
    if (Files.isRegularFile(checkpoint)) {
      if (Checkpoint.read(checkpoint).progress().completedEpochs() >= run.epochs()) {
        return new RunOutcome(run.name(), RunOutcome.DONE, "", host(), attempt + 1);
      }
      args = List.of("train", "--resume", dir.toString(), "--quiet");
    } else {
      args = List.of("train", "--config", Sweep.configFile(Path.of(out), run.name()).toString(), "--out",
          dir.toString(), "--force", "--quiet");
    }
    StringWriter err = new StringWriter();
    int code = Main.run(args.toArray(String[]::new), new PrintWriter(Writer.nullWriter()), new PrintWriter(err));
    if (code == 0) {
      return new RunOutcome(run.name(), RunOutcome.DONE, "", host(), attempt + 1);
    }
    String reason = err.toString().lines().filter(l -> !l.isBlank()).findFirst().orElse("exit code " + code);
    if (code != EqpropException.USAGE && attempt + 1 < attempts) {
      throw new IllegalStateException("run " + run.name() + " failed (attempt " + (attempt + 1) + " of " + attempts
          + "), Spark retries it from its last checkpoint: " + reason);
    }
    return new RunOutcome(run.name(), RunOutcome.FAILED, reason, host(), attempt + 1);
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown";
    }
  }
}
