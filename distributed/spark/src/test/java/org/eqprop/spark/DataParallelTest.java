package org.eqprop.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eqprop train --engine spark}: data-parallel training with synchronous parameter averaging on local Spark. */
class DataParallelTest {
  @TempDir Path dir;

  private static final List<String> SMALL = List.of("--data", SweepLocalTest.DATA.toString(),
      "--set", "model.layers=[784,30,10]", "--set", "training.train-limit=1000", "--set", "training.test-limit=300",
      "--epochs", "2", "--quiet");

  private SweepLocalTest.Result train(Path out, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--out", out.toString()));
    args.addAll(SMALL);
    args.addAll(List.of(more));
    return SweepLocalTest.eqprop(args.toArray(String[]::new));
  }

  @Test
  void oneWorkerIsExactlySingleProcessTraining() throws IOException {
    for (String optimizer : List.of("sgd", "adam")) {
      Path single = dir.resolve("single-" + optimizer);
      Path spark = dir.resolve("spark-" + optimizer);
      String opt = "optimizer.name=" + optimizer;
      assertEquals(0, train(single, "--set", opt).code());
      SweepLocalTest.Result r = train(spark, "--set", opt, "--engine", "spark", "--workers", "1", "--sync-every", "7",
          "--master", "local[1]");
      assertEquals(0, r.code(), r.err());
      assertEquals(SweepLocalTest.withoutTimes(single.resolve("metrics.csv")),
          SweepLocalTest.withoutTimes(spark.resolve("metrics.csv")), optimizer);
    }
  }

  @Test
  void twoWorkersTrainAndResumeAsInOneProcess() throws IOException {
    Path straight = dir.resolve("straight");
    assertEquals(0, train(straight, "--engine", "spark", "--workers", "2", "--sync-every", "5", "--master", "local[2]")
        .code());
    List<String> rows = SweepLocalTest.withoutTimes(straight.resolve("metrics.csv"));
    assertEquals(3, rows.size());
    // it learns: 90% is chance; the averaged steps make less progress per example than one process's
    double first = Double.parseDouble(rows.get(1).split(",")[2]);
    double second = Double.parseDouble(rows.get(2).split(",")[2]);
    assertTrue(second < first && second < 0.8, rows.toString());
    // averaging changes the trajectory: not the single-process run
    Path single = dir.resolve("single");
    assertEquals(0, train(single).code());
    assertNotEquals(SweepLocalTest.withoutTimes(single.resolve("metrics.csv")), rows);

    Path resumed = dir.resolve("resumed");
    List<String> oneEpoch = new ArrayList<>(List.of("train", "--out", resumed.toString()));
    oneEpoch.addAll(SMALL);
    oneEpoch.set(oneEpoch.indexOf("--epochs") + 1, "1");
    oneEpoch.addAll(List.of("--engine", "spark", "--workers", "2", "--sync-every", "5", "--master", "local[2]"));
    assertEquals(0, SweepLocalTest.eqprop(oneEpoch.toArray(String[]::new)).code());
    SweepLocalTest.Result r = SweepLocalTest.eqprop("train", "--resume", resumed.toString(), "--epochs", "2",
        "--engine", "spark", "--quiet");
    assertEquals(0, r.code(), r.err());
    assertEquals(rows, SweepLocalTest.withoutTimes(resumed.resolve("metrics.csv")));
  }

  @Test
  void badDistributedSettingsAreOneLine() {
    SweepLocalTest.Result r = train(dir.resolve("a"), "--workers", "2");
    assertEquals(2, r.code());
    assertEquals("eqprop: config key 'distributed.workers' is 2 but distributed.engine is local (one process): set "
        + "distributed.engine: spark for several workers\n", r.err());
    r = train(dir.resolve("b"), "--engine", "spark", "--set", "learner.persistent-particles=true");
    assertEquals(2, r.code());
    assertEquals("eqprop: distributed.engine spark averages the parameters of its workers, but persistent particles "
        + "(one state per training example) cannot be averaged: set learner.persistent-particles: false\n", r.err());
    r = train(dir.resolve("c"), "--engine", "mpi");
    assertEquals(2, r.code());
    assertEquals("eqprop: config key 'distributed.engine' must be local or spark, got 'mpi'\n", r.err());
  }
}
