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

  /**
   * Starts eqprop in a new JVM, waits until it has saved its first checkpoint, then {@code
   * afterMs} more milliseconds.
   */
  static Process startAndWaitForFirstCheckpoint(Path out, long afterMs) throws Exception {
    List<String> cmd = new ArrayList<>(defaultSigint());
    cmd.addAll(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args(out));
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
    assertArrayEquals(baselineCheckpoint, Files.readAllBytes(out.resolve("checkpoint.safetensors")),
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
    assertTrue(r.out().contains("resuming after epoch " + at.completedEpochs() + " minibatch 0"), r.out());
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
    assertSameAsBaseline(out);
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
}
