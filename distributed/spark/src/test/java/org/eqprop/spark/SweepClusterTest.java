package org.eqprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real standalone Spark cluster on the loopback address, Spark's own Master and Worker started
 * here as processes from the module's jars: a two-run sweep on it, and one whose executor is killed
 * (SIGKILL, by its process id) in the middle of a run.
 */
class SweepClusterTest {
  static final Path DATA = SweepLocalTest.DATA;
  static final String[] LOOPBACK = {"--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1"};

  @TempDir static Path home;
  static Process master;
  static Process worker;
  static String url;

  @TempDir Path dir;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createSymbolicLink(home.resolve("jars"), Path.of("target", "lib").toAbsolutePath());
    int port = freePort();
    url = "spark://127.0.0.1:" + port;
    master = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(port), "--webui-port", String.valueOf(freePort()));
    awaitLine(home.resolve("master.log"), "I have been elected leader", master);
    worker = start("worker", "org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "1",
        "--memory", "2g", "--webui-port", String.valueOf(freePort()));
    awaitLine(home.resolve("worker.log"), "Successfully registered with master", worker);
  }

  @AfterAll
  static void stopCluster() {
    for (Process p : new Process[] {worker, master}) {
      if (p != null) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  private static Process start(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m",
        "-cp", home.resolve("jars") + "/*", mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(home.resolve(name + ".log").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    return pb.start();
  }

  private static void awaitLine(Path log, String text, Process p) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < end) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      if (!p.isAlive()) {
        throw new AssertionError(log + " ended early:\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' in " + log + " within 60 s:\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String[] sweep(Path file, Path out) {
    List<String> args = new ArrayList<>(List.of("sweep", file.toString(), "--master", url, "--out", out.toString()));
    args.addAll(List.of(LOOPBACK));
    return args.toArray(String[]::new);
  }

  @Test
  void aTwoRunSweepOnTheCluster() throws IOException {
    Path file = Files.writeString(dir.resolve("sweep.yaml"), "set: {model.layers: [784, 30, 10], training.epochs: 2, "
        + "training.train-limit: 1000, training.test-limit: 300}\ndata: " + DATA + "\naxes: {training.seed: [1, 2]}\n");
    Path out = dir.resolve("out");
    SweepLocalTest.Result r = SweepLocalTest.eqprop(sweep(file, out));
    assertEquals(0, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith("eqprop sweep: 2 runs on " + url + ", output " + out + "\n"), r.out());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(3, csv.size());
    for (String row : csv.subList(1, 3)) {
      String[] c = row.split(",", -1);
      assertEquals(List.of("2", "ejml", "done", ""), List.of(c[5], c[8], c[10], c[11]), row);
      assertTrue(!c[9].isEmpty(), row);
    }
  }

  @Test
  void aSweepWhoseExecutorIsKilledMidRunStillCompletesWithNothingLost() throws Exception {
    Path file = Files.writeString(dir.resolve("sweep.yaml"), "set: {model.layers: [784, 300, 10], training.epochs: 6, "
        + "training.train-limit: 15000, training.test-limit: 500}\ndata: " + DATA + "\naxes: {training.seed: [1, 2]}\n");
    Path out = dir.resolve("out");
    Path first = out.resolve("runs").resolve("r001_seed-1");
    CompletableFuture<SweepLocalTest.Result> running =
        CompletableFuture.supplyAsync(() -> SweepLocalTest.eqprop(sweep(file, out)));
    try {
      killMidRun(first, running);
    } finally {
      // one SparkContext per JVM: a failed check must not leave this sweep running into the next test
      running.get(240, TimeUnit.SECONDS);
    }
    SweepLocalTest.Result r = running.get();
    assertEquals(0, r.code(), r.out() + r.err());
    List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
    assertEquals(3, csv.size(), String.join("\n", csv));
    for (String row : csv.subList(1, 3)) {
      assertTrue(row.contains(",6,") && row.endsWith(",done,"), row);
    }
    // the killed run, resumed from its checkpoint, equals the same configuration trained without a break
    Path direct = dir.resolve("direct");
    SweepLocalTest.Result t = SweepLocalTest.eqprop("train", "--config",
        out.resolve("configs").resolve("r001_seed-1.yaml").toString(), "--out", direct.toString(), "--quiet");
    assertEquals(0, t.code(), t.err());
    assertEquals(SweepLocalTest.withoutTimes(direct.resolve("metrics.csv")),
        SweepLocalTest.withoutTimes(first.resolve("metrics.csv")));
  }

  /**
   * Kills the executor once {@code run} has finished its first epoch, before it ends. An epoch's
   * checkpoint is written before its row of metrics.csv, so the row says both are there.
   */
  private static void killMidRun(Path run, CompletableFuture<SweepLocalTest.Result> running) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (epochsDone(run) < 1 && System.nanoTime() < end && !running.isDone()) {
      Thread.sleep(10);
    }
    if (running.isDone()) {
      SweepLocalTest.Result early = running.get();
      throw new AssertionError("the sweep ended before its first checkpoint: " + early.out() + early.err());
    }
    ProcessHandle executor = executor().orElseThrow(() -> new AssertionError("no executor process"));
    executor.destroyForcibly();
    executor.onExit().get(30, TimeUnit.SECONDS);
    int epochsWhenKilled = epochsDone(run);
    assertTrue(epochsWhenKilled >= 1 && epochsWhenKilled < 6, "killed after epoch " + epochsWhenKilled);
  }

  /** The rows of the run's metrics.csv (0 before it exists). */
  private static int epochsDone(Path run) throws java.io.IOException {
    Path metrics = run.resolve("metrics.csv");
    return Files.exists(metrics) ? Math.max(0, Files.readAllLines(metrics).size() - 1) : 0;
  }

  /** The worker's executor: its only child process (the command line is too long to search for the class). */
  private static Optional<ProcessHandle> executor() {
    return worker.children().filter(ProcessHandle::isAlive).findFirst();
  }
}
