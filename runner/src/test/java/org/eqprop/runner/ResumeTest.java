package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eqprop.runner.run.Checkpoint;
import org.eqprop.runner.run.RunId;
import org.eqprop.runner.train.EpochResult;
import org.eqprop.runner.train.Progress;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed (SIGKILL) or interrupted (SIGINT, Ctrl-C) in a separate JVM and resumed gives
 * exactly the metrics and parameters of an uninterrupted run.
 */
class ResumeTest {
  @TempDir static Path dir;
  static List<EpochResult> baseline;
  static byte[] baselineCheckpoint;

  static List<String> args(Path out) {
    return List.of("train", "--data", CommandLineTest.DATA, "--out", out.toString(), "--seed", "7", "--epochs", "5",
        "--set", "training.train-limit=3000", "--set", "training.test-limit=500",
        "--set", "learner.persistent-particles=true");
  }

  @BeforeAll
  static void uninterruptedRun() throws IOException {
    Path out = dir.resolve("baseline");
    CommandLineTest.Result r = CommandLineTest.run(args(out).toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    baseline = results(out);
    baselineCheckpoint = Files.readAllBytes(out.resolve("checkpoint.safetensors"));
  }

  static List<EpochResult> results(Path run) throws IOException {
    List<EpochResult> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(run.resolve("metrics.csv"));
    for (String line : lines.subList(1, lines.size())) {
      out.add(EpochResult.parse(line));
    }
    return out;
  }

  /**
   * {@code env --default-signal=INT}, where the system's env has it: a process started in the
   * background of a non-interactive shell (as CI may be) inherits SIGINT ignored, and the JVM
   * then never sees Ctrl-C; this restores the default for the child.
   */
  static List<String> defaultSigint() throws Exception {
    Process p = new ProcessBuilder("env", "--default-signal=INT", "true").start();
    return p.waitFor() == 0 ? List.of("env", "--default-signal=INT") : List.of();
  }

  /** The command that runs eqprop's main class in a JVM of its own, before its arguments. */
  static List<String> eqpropJvm() {
    return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "--add-modules",
        "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName());
  }

  /**
   * Starts eqprop in a new JVM, waits until it has saved its first checkpoint, then {@code
   * afterMs} more milliseconds.
   */
  static Process startAndWaitForFirstCheckpoint(Path out, long afterMs) throws Exception {
    return startAndWaitForFirstCheckpoint(out, afterMs, args(out));
  }

  /** As {@link #startAndWaitForFirstCheckpoint(Path, long)}, with these arguments. */
  static Process startAndWaitForFirstCheckpoint(Path out, long afterMs, List<String> args) throws Exception {
    List<String> cmd = new ArrayList<>(defaultSigint());
    cmd.addAll(eqpropJvm());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve(out.getFileName() + ".out").toFile())
        .redirectError(dir.resolve(out.getFileName() + ".err").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(out.resolve("checkpoint.safetensors"))) {
      assertTrue(p.isAlive(), "the child exited early: " + Files.readString(dir.resolve(out.getFileName() + ".err")));
      assertTrue(System.nanoTime() < deadline, "no checkpoint after 120 s");
      Thread.sleep(20);
    }
    Thread.sleep(afterMs);
    return p;
  }

  /** Runs eqprop in a JVM of its own to its end: its exit code, standard output and error. */
  static CommandLineTest.Result inProcessOfItsOwn(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(eqpropJvm());
    cmd.addAll(List.of(args));
    Path outFile = Files.createTempFile(dir, "child", ".out");
    Path errFile = Files.createTempFile(dir, "child", ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "the child ends");
    // the JVM's notice about the Vector API module, which the eqprop launcher drops too
    String err = Files.readString(errFile).replaceAll("(?m)^WARNING: Using incubator modules: .*\\R", "");
    return new CommandLineTest.Result(p.exitValue(), Files.readString(outFile), err);
  }

  static void assertSameAsBaseline(Path out) throws IOException {
    List<EpochResult> resumed = results(out);
    assertEquals(baseline.size(), resumed.size());
    for (int i = 0; i < baseline.size(); i++) {
      EpochResult a = baseline.get(i);
      EpochResult b = resumed.get(i);
      assertEquals(a.trainError(), b.trainError(), "train error, epoch " + (i + 1));
      assertEquals(a.testError(), b.testError(), "test error, epoch " + (i + 1));
      assertEquals(a.meanEnergy(), b.meanEnergy(), "mean energy, epoch " + (i + 1));
    }
    RunIds.assertSameRun(baselineCheckpoint, Files.readAllBytes(out.resolve("checkpoint.safetensors")),
        "parameters, particles and random states equal the uninterrupted run's");
  }


  @Test
  void aRunKilledMidEpochResumesFromItsLastCheckpointExactly() throws Exception {
    Path out = dir.resolve("killed");
    // a little into the second epoch: the four left take half a second at least
    Process p = startAndWaitForFirstCheckpoint(out, 100);
    p.destroyForcibly(); // SIGKILL: no shutdown hook runs
    assertEquals(137, p.waitFor());
    Progress at = Checkpoint.read(out.resolve("checkpoint.safetensors")).progress();
    assertEquals(0, at.nextBatch(), "a killed run keeps its last epoch checkpoint");

    CommandLineTest.Result r = CommandLineTest.run("train", "--resume", out.toString(), "--data", CommandLineTest.DATA);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("resuming from the checkpoint saved after epoch " + at.completedEpochs()), r.out());
    assertTrue(r.out().contains("backend ejml (the backend the run was trained on)"), r.out());
    // the killed run's lock died with it; its file still names it, and the resumed run says so
    assertTrue(r.out().contains("(pid " + p.pid() + " on "), r.out());
    assertTrue(r.out().contains("ended without releasing it; this run took it over"), r.out());
    assertSameAsBaseline(out);
  }

  @Test
  void ctrlCSavesACheckpointMidEpochAndTheResumedRunIsExact() throws Exception {
    Path out = dir.resolve("interrupted");
    // at once: the end of epoch 1 (its plot) may still be running when Ctrl-C arrives
    Process p = startAndWaitForFirstCheckpoint(out, 0);
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child should stop after Ctrl-C");
    assertEquals(130, p.exitValue());
    String err = Files.readString(dir.resolve("interrupted.err"));
    assertTrue(err.contains("eqprop: interrupted: checkpoint saved at epoch 2, minibatch "), err);
    Progress at = Checkpoint.read(out.resolve("checkpoint.safetensors")).progress();
    assertEquals(1, at.completedEpochs());
    assertTrue(at.nextBatch() > 0, "the checkpoint is mid-epoch");
    assertEquals(1, results(out).size());

    CommandLineTest.Result r = CommandLineTest.run("train", "--resume", out.toString(), "--data", CommandLineTest.DATA);
    assertEquals(0, r.code(), r.err());
    // the interrupt and the resume name the same place in the same words
    String place = err.replaceAll("(?s).*checkpoint saved (at epoch 2, minibatch \\d+) of .*", "$1");
    assertTrue(r.out().contains("resuming from the checkpoint saved " + place), place + " / " + r.out());
    assertTrue(!r.out().contains("took it over"), "a run stopped by Ctrl-C released its lock: " + r.out());
    assertSameAsBaseline(out);
  }

  /**
   * Ctrl-C before the first minibatch (while the data loads or the JIT warms up: {@code paper-2h}'s
   * warm-up takes its full 2 s) ends the command with 130 and one line, and leaves no directory.
   */
  @Test
  void ctrlCBeforeTrainingStartsLeavesNothing() throws Exception {
    Path out = dir.resolve("early");
    List<String> cmd = new ArrayList<>(defaultSigint());
    cmd.addAll(eqpropJvm());
    cmd.addAll(List.of("train", "--preset", "paper-2h", "--data", CommandLineTest.DATA, "--out", out.toString()));
    Path err = dir.resolve("early.err");
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("early.out").toFile()).redirectError(err.toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(out)) {
      assertTrue(p.isAlive(), "the child exited early: " + Files.readString(err));
      assertTrue(System.nanoTime() < deadline, "no output directory after 60 s");
      Thread.sleep(10);
    }
    Thread.sleep(200);
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child should stop after Ctrl-C");
    String says = Files.readString(err).replaceAll("(?m)^WARNING: Using incubator modules: .*\\R", "");
    assertEquals("eqprop: interrupted before training started; nothing was written\n", says);
    assertEquals(130, p.exitValue());
    assertTrue(!Files.exists(out), "the directory the run created is gone");
  }

  /**
   * Two runs never share a directory: while one trains, a second {@code train} on its directory
   * (with {@code --force}, or {@code --resume}) is refused with one line naming the holder, and the
   * first run's files hold its epochs alone.
   */
  @Test
  void aSecondRunOnABusyDirectoryIsRefusedAndNamesTheHolder() throws Exception {
    Path out = dir.resolve("busy");
    List<String> longer = new ArrayList<>(args(out));
    longer.set(longer.indexOf("5"), "30"); // long enough to be running still when the others start
    Process p = startAndWaitForFirstCheckpoint(out, 0, longer);
    try {
      String config = Files.readString(out.resolve("config.yaml"));
      for (String[] second : List.of(
          new String[] {"train", "--data", CommandLineTest.DATA, "--out", out.toString(), "--force", "--seed", "8"},
          new String[] {"train", "--resume", out.toString(), "--data", CommandLineTest.DATA})) {
        CommandLineTest.Result r = CommandLineTest.run(second);
        assertEquals(2, r.code(), r.out() + r.err());
        assertTrue(r.err().trim().matches("eqprop: run directory " + java.util.regex.Pattern.quote(out.toString())
            + " is in use by another eqprop run \\(pid " + p.pid() + " on .+, since .+\\); wait for it to end, or "
            + "use another --out"), r.err());
        assertEquals(config, Files.readString(out.resolve("config.yaml")), "the holder's configuration is kept");
      }
    } finally {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the first run ends");
    }
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("busy.err")));
    List<EpochResult> rows = results(out);
    assertEquals(30, rows.size());
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(i + 1, rows.get(i).epoch(), "the holder's epochs alone, in order");
    }
  }

  /**
   * A checkpoint from another run (here: another seed's) put in a run's directory is refused on
   * {@code --resume} with one line naming both runs, and nothing in the directory changes.
   */
  @Test
  void aCheckpointFromAnotherRunIsRefused() throws Exception {
    Path other = dir.resolve("other");
    List<String> a = new ArrayList<>(args(other));
    a.set(a.indexOf("7"), "8");
    a.set(a.indexOf("5"), "1");
    CommandLineTest.Result r = CommandLineTest.run(a.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    Path mixed = dir.resolve("mixed");
    Files.createDirectories(mixed);
    Files.copy(dir.resolve("baseline/config.yaml"), mixed.resolve("config.yaml"));
    Files.copy(dir.resolve("baseline/metrics.csv"), mixed.resolve("metrics.csv"));
    Files.copy(other.resolve("checkpoint.safetensors"), mixed.resolve("checkpoint.safetensors"));
    byte[] metrics = Files.readAllBytes(mixed.resolve("metrics.csv"));
    byte[] config = Files.readAllBytes(mixed.resolve("config.yaml"));
    CommandLineTest.Result resumed = inProcessOfItsOwn("train", "--resume", mixed.toString(), "--epochs", "9",
        "--data", CommandLineTest.DATA);
    assertEquals(2, resumed.code(), resumed.out() + resumed.err());
    String baselineId = RunId.of(new String(config, java.nio.charset.StandardCharsets.UTF_8));
    String otherId = RunId.of(Files.readString(other.resolve("config.yaml")));
    assertEquals("eqprop: checkpoint " + mixed.resolve("checkpoint.safetensors") + " belongs to another run (run "
        + otherId + "; config.yaml there is run " + baselineId + "): nothing was changed; put the run's own "
        + "checkpoint back, or start a new run from this one's configuration", resumed.err().trim());
    assertArrayEquals(metrics, Files.readAllBytes(mixed.resolve("metrics.csv")));
    assertArrayEquals(config, Files.readAllBytes(mixed.resolve("config.yaml")));
  }

  @Test
  void aFinishedRunCanBeExtended() throws IOException {
    Path out = dir.resolve("extended");
    Files.createDirectories(out);
    Files.write(out.resolve("checkpoint.safetensors"), baselineCheckpoint);
    Files.copy(dir.resolve("baseline").resolve("metrics.csv"), out.resolve("metrics.csv"));
    CommandLineTest.Result done = CommandLineTest.run("train", "--resume", out.toString(), "--data", CommandLineTest.DATA);
    assertEquals(2, done.code());
    assertEquals("eqprop: the run in " + out + " already finished 5 epochs; pass --epochs N with N > 5 to train further",
        done.err().trim());
    CommandLineTest.Result more = CommandLineTest.run("train", "--resume", out.toString(), "--epochs", "6",
        "--data", CommandLineTest.DATA);
    assertEquals(0, more.code(), more.err());
    List<EpochResult> r = results(out);
    assertEquals(6, r.size());
    assertEquals(baseline.get(4), r.get(4));
    assertTrue(new File(out.toFile(), "metrics.png").isFile());
  }

  /** A copy of the baseline run, finished, in a directory of its own. */
  private static Path copyOfBaseline(String name) throws IOException {
    Path out = dir.resolve(name);
    Files.createDirectories(out);
    for (String f : List.of("config.yaml", "metrics.csv", "metrics.png", "checkpoint.safetensors")) {
      Files.copy(dir.resolve("baseline").resolve(f), out.resolve(f));
    }
    return out;
  }

  private static java.util.Map<String, byte[]> contents(Path run) throws IOException {
    java.util.Map<String, byte[]> out = new java.util.TreeMap<>();
    try (var files = Files.list(run)) {
      for (Path f : files.filter(f -> !f.getFileName().toString().equals(".eqprop.lock")).toList()) {
        out.put(f.getFileName().toString(), Files.readAllBytes(f));
      }
    }
    return out;
  }

  /**
   * {@code --force} onto a good run keeps it whole until the new run has saved its first
   * checkpoint: a new run that fails before that (here it diverges in its first epoch) leaves the
   * old run's every file as it was, and no file of its own; the old run still resumes.
   */
  @Test
  void forceKeepsThePreviousRunWholeUntilTheNewOneHasACheckpoint() throws Exception {
    Path out = copyOfBaseline("forced-failing");
    java.util.Map<String, byte[]> before = contents(out);
    CommandLineTest.Result r = inProcessOfItsOwn("train", "--data", CommandLineTest.DATA, "--out", out.toString(),
        "--force", "--set", "training.train-limit=400", "--set", "optimizer.learning-rates=[1e38, 1e38]");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("training diverged at epoch 1"), r.err());
    java.util.Map<String, byte[]> after = contents(out);
    assertEquals(before.keySet(), after.keySet(), "no file of the failed run is left");
    for (String f : before.keySet()) {
      assertArrayEquals(before.get(f), after.get(f), f + " is the previous run's");
    }
    CommandLineTest.Result more = CommandLineTest.run("train", "--resume", out.toString(), "--epochs", "6",
        "--data", CommandLineTest.DATA);
    assertEquals(0, more.code(), more.err());
    assertEquals(6, results(out).size());
  }

  /** Once the forced run has its first checkpoint, its files have replaced the previous run's. */
  @Test
  void aForcedRunReplacesThePreviousOneAtItsFirstCheckpoint() throws Exception {
    Path out = copyOfBaseline("forced");
    CommandLineTest.Result r = CommandLineTest.run("train", "--data", CommandLineTest.DATA, "--out", out.toString(),
        "--force", "--epochs", "2", "--set", "training.train-limit=400", "--set", "training.test-limit=200");
    assertEquals(0, r.code(), r.out() + r.err());
    assertEquals(java.util.Set.of("config.yaml", "metrics.csv", "metrics.png", "checkpoint.safetensors"),
        contents(out).keySet());
    assertEquals(2, results(out).size());
    String id = RunId.of(Files.readString(out.resolve("config.yaml")));
    assertEquals(id, RunId.of(Checkpoint.read(out.resolve("checkpoint.safetensors")).config()));
    assertTrue(!id.equals(RunId.of(Files.readString(dir.resolve("baseline/config.yaml")))), "a new run");
  }

  /**
   * An epoch's row and its checkpoint are written together or not at all: where the checkpoint
   * cannot be written (its temporary file's place is taken, as a full disk would refuse it), the
   * run stops with one line naming the checkpoint, and metrics.csv has no row for that epoch.
   */
  @Test
  void noMetricsRowWithoutItsCheckpoint() throws Exception {
    Path out = dir.resolve("unwritable");
    Path blocker = out.resolve(".checkpoint.safetensors.tmp");
    Files.createDirectories(blocker);
    Files.writeString(blocker.resolve("keep"), "x");
    CommandLineTest.Result r = CommandLineTest.run("train", "--data", CommandLineTest.DATA, "--out", out.toString(),
        "--force", "--epochs", "2", "--set", "training.train-limit=400", "--set", "training.test-limit=200");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("cannot write checkpoint " + out.resolve("checkpoint.safetensors")), r.err());
    // no row without its checkpoint: the run that never saved one leaves none of its files
    assertTrue(!Files.exists(out.resolve("metrics.csv")) || results(out).isEmpty(), "no row without its checkpoint");
    assertTrue(!Files.exists(out.resolve("checkpoint.safetensors")));
  }

  /** A resumed run takes its rows from its checkpoint: a row written after it (or lost) is as the checkpoint says. */
  @Test
  void aResumedRunTakesItsRowsFromItsCheckpoint() throws Exception {
    Path out = copyOfBaseline("rows");
    // the rows of epochs 4 and 5 lost, and a stray row added: the checkpoint (after epoch 5) knows better
    List<String> lines = Files.readAllLines(out.resolve("metrics.csv"));
    Files.write(out.resolve("metrics.csv"), List.of(lines.get(0), lines.get(1), lines.get(2), lines.get(3),
        "9,0.5,0.5,1.0,1.0,0.1,-1.0,20.00"));
    CommandLineTest.Result more = CommandLineTest.run("train", "--resume", out.toString(), "--epochs", "6",
        "--data", CommandLineTest.DATA);
    assertEquals(0, more.code(), more.err());
    List<EpochResult> rows = results(out);
    assertEquals(6, rows.size());
    for (int i = 0; i < 5; i++) {
      assertEquals(baseline.get(i), rows.get(i), "epoch " + (i + 1));
    }
  }
}
