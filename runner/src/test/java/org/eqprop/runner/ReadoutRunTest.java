package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with the softmax readout ({@code cost.name: softmax-readout}) end to end: it learns, its
 * readout is checkpointed (a resumed run is the uninterrupted one), and {@code evaluate} predicts
 * through it.
 */
class ReadoutRunTest {
  @TempDir Path dir;

  private static final List<String> COMMON = List.of("--data", CommandLineTest.DATA, "--quiet",
      "--set", "training.train-limit=1000", "--set", "training.test-limit=500",
      "--set", "model.layers=[784, 64, 32]", "--set", "cost.name=softmax-readout",
      "--set", "optimizer.learning-rates=[0.2, 0.1, 0.1]");

  @Test
  void aReadoutRunLearnsResumesExactlyAndEvaluates() throws IOException {
    Path straight = dir.resolve("straight");
    CommandLineTest.Result r = CommandLineTest.run(args(List.of("train", "--out", straight.toString(), "--epochs", "2")));
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(straight.resolve("metrics.csv"));
    double lastTest = Double.parseDouble(rows.get(2).split(",")[2]);
    assertTrue(lastTest < 0.45, "test error after 2 epochs on 1000 examples (chance 90%): " + lastTest);
    String header = new String(Files.readAllBytes(straight.resolve("checkpoint.safetensors")), 0, 4096,
        StandardCharsets.ISO_8859_1);
    assertTrue(header.contains("\"readout.W\"") && header.contains("\"readout.b\""), "the checkpoint holds the readout");

    Path resumed = dir.resolve("resumed");
    assertEquals(0, CommandLineTest.run(args(List.of("train", "--out", resumed.toString(), "--epochs", "1"))).code());
    assertEquals(0, CommandLineTest.run("train", "--resume", resumed.toString(), "--epochs", "2", "--quiet").code());
    assertEquals(ImageDataTest.withoutTimes(straight), ImageDataTest.withoutTimes(resumed));

    CommandLineTest.Result eval = CommandLineTest.run("evaluate", "--run", straight.toString(), "--data",
        CommandLineTest.DATA);
    assertEquals(0, eval.code(), eval.err());
    assertEquals(String.format(Locale.ROOT, "test_error %.2f%% (500 examples, epoch 2, backend ejml)", 100 * lastTest),
        eval.out().trim());
  }

  @Test
  void theConvMnistPresetBuildsAndTrains() throws IOException {
    // the preset's network, readout, nudging and optimizer as written; the run cut to seconds
    Path out = dir.resolve("conv-mnist");
    CommandLineTest.Result r = CommandLineTest.run("train", "--preset", "conv-mnist", "--data", CommandLineTest.DATA,
        "--out", out.toString(), "--epochs", "1", "--quiet", "--set", "training.train-limit=200",
        "--set", "training.test-limit=100", "--set", "learner.free-steps=8", "--set", "learner.nudged-steps=3",
        "--set", "learner.inference-steps=8");
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(2, rows.size(), rows.toString());
    double test = Double.parseDouble(rows.get(1).split(",")[2]);
    assertTrue(test < 0.9, "one epoch of 200 examples does better than chance: " + test);
  }

  private static String[] args(List<String> head) {
    return Stream.concat(head.stream(), COMMON.stream()).toArray(String[]::new);
  }
}
