package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The eqprop command line end to end, in process, on the bundled MNIST. */
class CommandLineTest {
  static final String DATA = Path.of("..", "data", "mnist").toString();

  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Result(code, out.toString(), err.toString());
  }

  private static String[] small(Path out, String... extra) {
    List<String> args = new ArrayList<>(List.of("train", "--data", DATA, "--out", out.toString(),
        "--set", "learner.persistent-particles=true",
        "--set", "training.epochs=3", "--set", "training.train-limit=2000", "--set", "training.test-limit=1000"));
    args.addAll(Arrays.asList(extra));
    return args.toArray(String[]::new);
  }

  private static List<String[]> metrics(Path run) throws IOException {
    List<String[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.csv"))) {
      rows.add(line.split(","));
    }
    return rows;
  }

  @Test
  void aShortTrainingRunLearnsAndEvaluateReproducesItsTestError() throws IOException {
    Path out = dir.resolve("run");
    Result r = run(small(out));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("backend ejml (highest priority available)"), r.out());
    assertTrue(r.out().contains("epoch 3/3"), r.out());

    List<String[]> rows = metrics(out);
    assertEquals("epoch,train_error,test_error,seconds,samples_per_second,eval_seconds,mean_energy,free_steps", String.join(",", rows.get(0)));
    assertEquals(4, rows.size());
    double firstTrain = Double.parseDouble(rows.get(1)[1]);
    double lastTrain = Double.parseDouble(rows.get(3)[1]);
    double lastTest = Double.parseDouble(rows.get(3)[2]);
    assertTrue(lastTrain < firstTrain, "training error should fall: " + firstTrain + " -> " + lastTrain);
    assertTrue(lastTest < 0.25, "test error after 3 epochs on 2000 examples: " + lastTest);
    assertTrue(Files.size(out.resolve("checkpoint.safetensors")) > 4 * (784 * 500 + 500 * 10 + 2000 * 510));
    assertTrue(Files.readString(out.resolve("config.yaml")).contains("name: ejml"));
    for (String[] row : rows.subList(1, rows.size())) {
      double energy = Double.parseDouble(row[6]);
      assertTrue(Double.isFinite(energy) && energy < 0, "mean free-phase energy " + energy);
    }
    byte[] png = Files.readAllBytes(out.resolve("metrics.png"));
    assertEquals("\u0089PNG", new String(png, 0, 4, java.nio.charset.StandardCharsets.ISO_8859_1));

    Result eval = run("evaluate", "--run", out.toString(), "--data", DATA);
    assertEquals(0, eval.code(), eval.err());
    assertEquals(String.format(java.util.Locale.ROOT, "test_error %.2f%% (1000 examples, epoch 3, backend ejml)", 100 * lastTest),
        eval.out().trim());
    Result byFile = run("evaluate", "--checkpoint", out.resolve("checkpoint.safetensors").toString(), "--data", DATA);
    assertEquals(eval.out(), byFile.out());
  }

  @Test
  void theSameSeedGivesTheSameRun() throws IOException {
    String[] extra = {"--seed", "5", "--set", "training.train-limit=400", "--set", "training.test-limit=200", "--epochs", "2"};
    assertEquals(0, run(small(dir.resolve("a"), extra)).code());
    assertEquals(0, run(small(dir.resolve("b"), extra)).code());
    assertEquals(0, run(small(dir.resolve("c"), "--seed", "6", "--set", "training.train-limit=400",
        "--set", "training.test-limit=200", "--epochs", "2")).code());
    List<String[]> a = metrics(dir.resolve("a"));
    List<String[]> b = metrics(dir.resolve("b"));
    for (int i = 1; i < a.size(); i++) {
      assertEquals(a.get(i)[1] + "," + a.get(i)[2], b.get(i)[1] + "," + b.get(i)[2], "epoch " + i);
    }
    // the same but for the run's own id and its timings
    RunIds.assertSameRun(Files.readAllBytes(dir.resolve("a/checkpoint.safetensors")),
        Files.readAllBytes(dir.resolve("b/checkpoint.safetensors")), "the same seed");
    assertFalse(Arrays.equals(Files.readAllBytes(dir.resolve("a/checkpoint.safetensors")),
        Files.readAllBytes(dir.resolve("c/checkpoint.safetensors"))));
  }

  private void assertUsageError(String expected, String... args) {
    Path out = dir.resolve("out");
    Result r = run(args);
    assertEquals(2, r.code(), r.out() + r.err());
    assertEquals("eqprop: " + expected, r.err().lines().findFirst().orElse(""));
    assertFalse(Files.exists(out), "nothing may be written for a usage error");
  }

  @Test
  void usageErrorsExitWith2AndWriteNothing() {
    String out = dir.resolve("out").toString();
    assertUsageError("Unknown backend 'cuda' (from --backend). " + InstalledBackends.listing(),
        "train", "--data", DATA, "--out", out, "--backend", "cuda");
    assertUsageError("unknown config key 'learner.beat' in --set learner.beat=2 (did you mean 'learner.beta'?)",
        "train", "--data", DATA, "--out", out, "--set", "learner.beat=2");
    assertUsageError("unknown preset 'paper-9h' (did you mean 'paper-1h'?); presets: paper-1h, paper-2h, paper-3h, adam-1h, adam-wide, deep-3h, conv-mnist, conv-cifar10",
        "train", "--data", DATA, "--out", out, "--preset", "paper-9h");
    assertUsageError("model.layers starts with 700 inputs but the images have 784 pixels",
        "train", "--data", DATA, "--out", out, "--set", "model.layers=[700, 10]");
    assertUsageError("data directory " + dir.resolve("none") + " not found",
        "train", "--data", dir.resolve("none").toString(), "--out", out);
    assertUsageError("config key 'optimizer.learning-rates' has 2 rates but the model has 3 layers of parameters (one rate each)",
        "train", "--data", DATA, "--out", out, "--set", "model.layers=[784, 50, 50, 10]",
        "--set", "training.train-limit=20", "--set", "training.test-limit=20");
    assertUsageError("Unknown dynamics 'gradiant' (did you mean 'gradient'?). Known: [fixed-point, gradient]",
        "train", "--data", DATA, "--out", out, "--set", "dynamics.name=gradiant",
        "--set", "training.train-limit=20", "--set", "training.test-limit=20");
    assertUsageError("Unknown model 'hopfield'. Known models: [layered-hopfield, network]",
        "train", "--data", DATA, "--out", out, "--set", "model.name=hopfield",
        "--set", "training.train-limit=20", "--set", "training.test-limit=20");
    assertUsageError("Invalid value for option '--epochs': 'x' is not an int", "train", "--epochs", "x");
    assertUsageError("Unknown options: '--epoch', '3' (did you mean --epochs?)", "train", "--epoch", "3");
    assertUsageError("a subcommand is required: train, evaluate, backends, models, check-model, bench (see eqprop --help)");
    assertUsageError("run directory " + dir.resolve("none") + " not found", "evaluate", "--run", dir.resolve("none").toString());
  }

  @Test
  void aNonEmptyOutputDirectoryIsLeftAlone() throws IOException {
    Path out = dir.resolve("busy");
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "mine");
    Result r = run("train", "--data", DATA, "--out", out.toString());
    assertEquals(2, r.code());
    assertEquals("eqprop: output directory " + out + " exists, is not empty and is not a previous run (use --force to write into it)", r.err().trim());
    try (var files = Files.list(out)) {
      assertEquals(List.of(out.resolve("notes.txt")), files.toList());
    }
  }

  @Test
  void backendsAndModelsAreListed() {
    Result b = run("backends");
    assertEquals(0, b.code());
    assertTrue(b.out().lines().anyMatch(l -> l.startsWith("ejml") && l.contains("available") && l.contains("(default)")), b.out());
    Result m = run("models");
    assertEquals(0, m.code());
    assertTrue(m.out().contains("layered-hopfield"), m.out());
    Result check = run("check-model", "layered-hopfield");
    assertEquals(0, check.code(), check.out() + check.err());
    assertTrue(check.out().contains("  dE/ds layer 3"), check.out());
    assertTrue(check.out().endsWith("all 15 terms match finite differences\n"), check.out());
  }

  @Test
  void divergenceStopsWithExitCode1AndSaysWhere() {
    Path out = dir.resolve("diverged");
    Result r = run("train", "--data", DATA, "--out", out.toString(), "--epochs", "1",
        "--set", "optimizer.learning-rates=[1e38, 1e38]", "--set", "training.train-limit=400", "--set", "training.test-limit=20");
    assertEquals(1, r.code(), r.out() + r.err());
    String line = r.err().trim();
    assertTrue(line.matches("eqprop: training diverged at epoch 1, minibatch \\d+: .*(NaN or Inf|not finite); no checkpoint "
        + "was written \\(the first epoch did not finish\\) \\(try smaller learning rates or a smaller eps\\)"), line);
    assertFalse(Files.exists(out.resolve("checkpoint.safetensors")));
    // a run that never saved a checkpoint leaves nothing that would block a plain rerun
    assertFalse(Files.exists(out), "the failed run's directory is gone");
    assertEquals(0, run("train", "--data", DATA, "--out", out.toString(), "--epochs", "1",
        "--set", "training.train-limit=100", "--set", "training.test-limit=20").code());
  }

  @Test
  void jsonModePrintsOneObjectPerEpochAndQuietNothing() {
    Result json = run(small(dir.resolve("json"), "--json", "--set", "training.epochs=2", "--set", "training.train-limit=200",
        "--set", "training.test-limit=100"));
    assertEquals(0, json.code(), json.err());
    List<String> lines = json.out().lines().toList();
    assertEquals(2, lines.size(), json.out());
    assertTrue(lines.get(1).matches("\\{\"epoch\":2,\"train_error\":[0-9.]+,\"test_error\":[0-9.]+,.*\"mean_energy\":-?[0-9.]+,\"free_steps\":20.00}"), lines.get(1));
    Result quiet = run(small(dir.resolve("quiet"), "--quiet", "--set", "training.epochs=1", "--set", "training.train-limit=100",
        "--set", "training.test-limit=100"));
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.out() + quiet.err());
  }

  @Test
  void benchMeasuresEachBackendAndBatchSizeAndWritesCsvAndChart() throws IOException {
    Path out = dir.resolve("bench");
    Result r = run("bench", "--backends", "ejml", "--batch-sizes", "4,8", "--batches", "3", "--warmup", "1",
        "--inference", "200", "--data", DATA, "--out", out.toString(), "--set", "model.layers=[784, 30, 10]");
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("bench.csv"));
    assertEquals("backend,batch_size,samples_per_second,free_ms,nudged_ms,update_ms,inference_samples_per_second,"
        + "peak_heap_mb,peak_rss_mb", csv.get(0));
    assertEquals(3, csv.size());
    for (String row : csv.subList(1, 3)) {
      String[] f = row.split(",");
      assertEquals("ejml", f[0]);
      for (int i = 2; i < f.length; i++) {
        if (i == 4) {
          // ejml runs both phases in one call (ChainPhases): their time is all in free_ms
          assertEquals(0.0, Double.parseDouble(f[i]), "nudged_ms of " + row);
        } else {
          assertTrue(Double.parseDouble(f[i]) > 0, "column " + i + " of " + row);
        }
      }
    }
    assertEquals("8", csv.get(2).split(",")[1]);
    assertTrue(Files.size(out.resolve("bench.png")) > 1000);
    assertTrue(r.out().lines().anyMatch(l -> l.startsWith("ejml") && l.trim().split(" +")[1].equals("4")), r.out());
    Result unknown = run("bench", "--backends", "cuda", "--data", DATA, "--out", dir.resolve("b2").toString());
    assertEquals(2, unknown.code());
    assertTrue(unknown.err().startsWith("eqprop: Unknown backend 'cuda' (from --backend)"), unknown.err());
  }

  @Test
  void theFixedPointDynamicsTrainsTheNetwork() throws IOException {
    Path out = dir.resolve("fixed");
    Result r = run("train", "--data", DATA, "--out", out.toString(), "--epochs", "2", "--set", "dynamics.name=fixed-point",
        "--set", "learner.beta=0.5", "--set", "learner.free-steps=8", "--set", "learner.nudged-steps=3",
        "--set", "training.train-limit=1000", "--set", "training.test-limit=500");
    assertEquals(0, r.code(), r.err());
    List<String[]> rows = metrics(out);
    double first = Double.parseDouble(rows.get(1)[2]);
    double second = Double.parseDouble(rows.get(2)[2]);
    assertTrue(second < first && second < 0.4, "test error " + first + " -> " + second);
    assertTrue(Files.readString(out.resolve("config.yaml")).contains("name: fixed-point"));
  }

  @Test
  void adamWithACosineScheduleTrainsAndCheckpointsItsMoments() throws IOException {
    Path out = dir.resolve("adam");
    Result r = run("train", "--data", DATA, "--out", out.toString(), "--epochs", "2",
        "--set", "optimizer.name=adam", "--set", "optimizer.learning-rates=[0.002,0.001]",
        "--set", "optimizer.weight-decay=0.0001", "--set", "optimizer.schedule.name=cosine",
        "--set", "optimizer.schedule.floor=0.1",
        "--set", "training.train-limit=1000", "--set", "training.test-limit=500");
    assertEquals(0, r.code(), r.err());
    List<String[]> rows = metrics(out);
    double first = Double.parseDouble(rows.get(1)[2]);
    double second = Double.parseDouble(rows.get(2)[2]);
    assertTrue(second < 0.35, "test error " + first + " -> " + second);
    String header = new String(Files.readAllBytes(out.resolve("checkpoint.safetensors")), java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String name : List.of("optimizer.m.W1", "optimizer.v.b2", "optimizer.t")) {
      assertTrue(header.contains("\"" + name + "\""), name + " missing from the checkpoint");
    }
  }

  @Test
  void schedulesScaleTheRatesPerEpoch() {
    var step = new org.eqprop.runner.config.RunConfig.Schedule("step", 2, 0.5, 0);
    assertEquals(List.of(1.0, 1.0, 0.5, 0.5, 0.25),
        java.util.stream.IntStream.rangeClosed(1, 5).mapToObj(e -> step.scale(e, 5)).toList());
    var cosine = new org.eqprop.runner.config.RunConfig.Schedule("cosine", 1, 1, 0.2);
    assertEquals(1.0, cosine.scale(1, 5), 1e-12);
    assertEquals(0.6, cosine.scale(3, 5), 1e-12);
    assertEquals(0.2, cosine.scale(5, 5), 1e-12);
    assertEquals(1.0, new org.eqprop.runner.config.RunConfig.Schedule("constant", 1, 0.5, 0).scale(4, 5));
  }

  @Test
  void aToleranceEndsPhasesEarlyAndTheStepsAreReported() throws IOException {
    Path out = dir.resolve("tolerance");
    Result r = run("train", "--data", DATA, "--out", out.toString(), "--epochs", "1",
        "--set", "dynamics.tolerance=0.001", "--set", "learner.free-steps=200",
        "--set", "training.train-limit=500", "--set", "training.test-limit=200");
    assertEquals(0, r.code(), r.err());
    List<String[]> rows = metrics(out);
    assertEquals("free_steps", rows.get(0)[7]);
    double steps = Double.parseDouble(rows.get(1)[7]);
    assertTrue(steps > 2 && steps < 200, "mean free steps " + steps);
    assertTrue(r.out().contains(" free steps "), r.out());
    assertTrue(r.out().contains(" after 1 epoch; results in "), r.out());
  }

  @Test
  void contrastiveHebbianLearningTrainsTheNetwork() throws IOException {
    Path out = dir.resolve("chl");
    Result r = run("train", "--data", DATA, "--out", out.toString(), "--epochs", "2", "--set", "learner.name=chl",
        "--set", "optimizer.learning-rates=[0.05,0.025]",
        "--set", "training.train-limit=1000", "--set", "training.test-limit=500");
    assertEquals(0, r.code(), r.err());
    double second = Double.parseDouble(metrics(out).get(2)[2]);
    assertTrue(second < 0.4, "test error after two epochs " + second);
    assertTrue(r.out().contains("learner chl"), r.out());
  }

  @Test
  void gradcheckComparesEachVariantWithTheExactGradient() throws IOException {
    Path out = dir.resolve("gradcheck");
    Result r = run("gradcheck", "--data", DATA, "--out", out.toString(), "--set", "model.layers=[784,30,10]",
        "--batch", "8", "--betas", "0.01,0.001", "--variants", "positive,centered");
    assertEquals(0, r.code(), r.err());
    List<String> csv = Files.readAllLines(out.resolve("gradcheck.csv"));
    assertEquals("variant,beta,layer,cosine,relative_error", csv.get(0));
    assertEquals(1 + 2 * 2 * 2, csv.size());
    for (String row : csv.subList(1, csv.size())) {
      String[] f = row.split(",");
      if (f[0].equals("centered") && f[1].equals("0.001")) {
        assertTrue(Double.parseDouble(f[3]) > 0.99, row);
      }
    }
    assertTrue(Files.size(out.resolve("gradcheck.png")) > 0 && Files.size(out.resolve("gradcheck-cosine.png")) > 0);
    Result bad = run("gradcheck", "--data", DATA, "--out", dir.resolve("bad").toString(), "--variants", "sideways");
    assertEquals(2, bad.code());
    assertEquals("eqprop: unknown variant 'sideways' (known: positive, negative, centered)", bad.err().lines().findFirst().orElse(""));
  }
}
