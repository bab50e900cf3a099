package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.eqprop.runner.data.Augmentation;
import org.eqprop.runner.data.DataException;
import org.eqprop.runner.data.DataTestAccess;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.data.ImageShape;
import org.eqprop.runner.data.MnistData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CIFAR-10's binary format, image shapes, per-channel normalisation and augmentation, on files the test writes. */
class ImageDataTest {
  static final int RECORD = 3073;

  @TempDir Path dir;

  /** Writes a CIFAR-10 directory: {@code perFile} records per file, pixels from a seeded stream, labels i % 10. */
  static Path cifar(Path dir, int perFile, long seed) throws IOException {
    Random random = new Random(seed);
    Files.createDirectories(dir);
    int label = 0;
    for (String f : List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
        "data_batch_5.bin", "test_batch.bin")) {
      byte[] bytes = new byte[perFile * RECORD];
      for (int r = 0; r < perFile; r++) {
        bytes[r * RECORD] = (byte) (label++ % 10);
        for (int j = 1; j < RECORD; j++) {
          // each channel its own brightness, so the statistics differ by channel
          int channel = (j - 1) / 1024;
          bytes[r * RECORD + j] = (byte) Math.min(255, random.nextInt(128) + 60 * channel);
        }
      }
      Files.write(dir.resolve(f), bytes);
    }
    return dir;
  }

  @Test
  void cifarTenKeepsItsRecordsShapeAndChannelOrder() throws IOException {
    Path d = cifar(dir.resolve("c"), 2, 1);
    MnistData data = MnistData.load(d);
    assertEquals(new ImageShape(3, 32, 32), data.train().shape());
    assertEquals(10, data.train().count());
    assertEquals(2, data.test().count());
    assertEquals(3072, data.train().features());
    for (int i = 0; i < 10; i++) {
      assertEquals(i % 10, data.train().label(i));
    }
    assertEquals(0, data.test().label(0));
    // example 7 is record 2 of data_batch_4.bin: its bytes, in the file's order, divided by 255
    byte[] file = Files.readAllBytes(d.resolve("data_batch_4.bin"));
    float[] x = new float[3072];
    data.train().fill(new int[] {7}, 0, 1, 10, x, new float[10], new int[1]);
    for (int j = 0; j < 3072; j += 97) {
      assertEquals((file[RECORD + 1 + j] & 0xff) / 255f, x[j], "pixel " + j);
    }
  }

  @Test
  void badCifarFilesAreOneLineNamingTheFile() throws IOException {
    Path d = cifar(dir.resolve("c"), 2, 1);
    Files.delete(d.resolve("data_batch_3.bin"));
    assertEquals("data file data_batch_3.bin not found in " + d + " (CIFAR-10's binary version has data_batch_1.bin "
        + "… data_batch_5.bin and test_batch.bin)", assertThrows(DataException.class, () -> MnistData.load(d)).getMessage());
    Files.write(d.resolve("data_batch_3.bin"), new byte[RECORD + 5]);
    assertEquals("data file " + d.resolve("data_batch_3.bin") + " is not in CIFAR-10's binary format: its 3078 bytes "
        + "are not a whole number of 3073-byte records", assertThrows(DataException.class, () -> MnistData.load(d)).getMessage());
    byte[] bad = new byte[2 * RECORD];
    bad[RECORD] = 12;
    Files.write(d.resolve("data_batch_3.bin"), bad);
    assertEquals("data file " + d.resolve("data_batch_3.bin") + ", record 2: label 12 is not a CIFAR-10 class (0-9)",
        assertThrows(DataException.class, () -> MnistData.load(d)).getMessage());

    CommandLineTest.Result r = CommandLineTest.run("train", "--data", d.toString(), "--out", dir.resolve("run").toString());
    assertEquals(2, r.code());
    assertEquals("eqprop: data file " + d.resolve("data_batch_3.bin") + ", record 2: label 12 is not a CIFAR-10 class "
        + "(0-9)\n", r.err());
    assertTrue(Files.notExists(dir.resolve("run")));
  }

  @Test
  void perChannelNormalisationGivesMeanZeroAndDeviationOne() throws IOException {
    Dataset train = MnistData.load(cifar(dir.resolve("c"), 3, 2)).train();
    double[] stats = train.channelStatistics();
    Dataset normal = train.normalized(stats);
    int n = train.count();
    float[] x = new float[n * 3072];
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    normal.fill(all, 0, n, 10, x, new float[n * 10], new int[n]);
    float[] raw = new float[n * 3072];
    train.fill(all, 0, n, 10, raw, new float[n * 10], new int[n]);
    for (int c = 0; c < 3; c++) {
      double sum = 0;
      double squares = 0;
      double rawSum = 0;
      for (int i = 0; i < n; i++) {
        for (int j = c * 1024; j < (c + 1) * 1024; j++) {
          sum += x[i * 3072 + j];
          squares += x[i * 3072 + j] * (double) x[i * 3072 + j];
          rawSum += raw[i * 3072 + j];
        }
      }
      double count = n * 1024.0;
      assertEquals(rawSum / count, stats[c], 1e-6, "channel " + c + " mean");
      assertEquals(0, sum / count, 1e-5, "channel " + c);
      assertEquals(1, squares / count, 1e-4, "channel " + c);
    }
    assertTrue(stats[1] > stats[0] + 0.1, "the channels differ");
  }

  @Test
  void cropShiftsWithBlackBordersAndFlipMirrors() {
    // one image, 2 channels of 3 rows × 4 columns, pixel value = 10·channel + 4·row + column
    ImageShape shape = new ImageShape(2, 3, 4);
    byte[] image = new byte[24];
    for (int i = 0; i < 24; i++) {
      image[i] = (byte) (10 * (i / 12) + (i % 12));
    }
    Dataset d = new Dataset("t", image, new byte[1], 1, shape, null);
    float[] out = new float[24];
    // shift down-right by one row and one column: pixel (y, x) is the image's (y + 1, x + 1)
    DataTestAccess.transformed(d, 1, 1, false, out);
    float[] expected = new float[24];
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          boolean inside = y + 1 < 3 && x + 1 < 4;
          expected[c * 12 + y * 4 + x] = inside ? (10 * c + 4 * (y + 1) + (x + 1)) / 255f : 0f;
        }
      }
    }
    assertArrayEquals(expected, out);
    // a flip alone mirrors each row
    DataTestAccess.transformed(d, 0, 0, true, out);
    for (int c = 0; c < 2; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 4; x++) {
          expected[c * 12 + y * 4 + x] = (10 * c + 4 * y + (3 - x)) / 255f;
        }
      }
    }
    assertArrayEquals(expected, out);
  }

  @Test
  void augmentationDrawsAreSeededPerEpochAndExampleAndInRange() {
    Augmentation a = Augmentation.of("crop-flip", 4, 1);
    Set<String> seen = new HashSet<>();
    int flips = 0;
    for (int i = 0; i < 2000; i++) {
      int[] draw = DataTestAccess.draw(a, 1, i);
      assertTrue(draw[0] >= -4 && draw[0] <= 4 && draw[1] >= -4 && draw[1] <= 4, java.util.Arrays.toString(draw));
      seen.add(draw[0] + "," + draw[1]);
      flips += draw[2];
      assertArrayEquals(draw, DataTestAccess.draw(Augmentation.of("crop-flip", 4, 1), 1, i));
    }
    assertEquals(81, seen.size());
    assertTrue(flips > 900 && flips < 1100, "flips " + flips);
    assertNotEquals(java.util.Arrays.toString(DataTestAccess.draw(a, 1, 5)) + DataTestAccess.draw(a, 1, 6)[0],
        java.util.Arrays.toString(DataTestAccess.draw(a, 2, 5)) + DataTestAccess.draw(a, 2, 6)[0]);
    assertEquals(0, DataTestAccess.draw(Augmentation.of("flip", 4, 1), 3, 9)[0]);
  }

  @Test
  void aNetworkTrainsOnCifarTenWithNormalisationAndAugmentationAndResumesExactly() throws IOException {
    Path d = cifar(dir.resolve("c"), 40, 3);
    List<String> common = List.of("--data", d.toString(), "--set", "model.layers=[3072,16,10]",
        "--set", "data.normalize=per-channel", "--set", "data.augment=crop-flip", "--quiet");
    Path straight = dir.resolve("straight");
    CommandLineTest.Result r = CommandLineTest.run(concat(List.of("train", "--out", straight.toString(), "--epochs", "2"),
        common));
    assertEquals(0, r.code(), r.err());
    Path resumed = dir.resolve("resumed");
    assertEquals(0, CommandLineTest.run(concat(List.of("train", "--out", resumed.toString(), "--epochs", "1"), common))
        .code());
    assertEquals(0, CommandLineTest.run("train", "--resume", resumed.toString(), "--epochs", "2", "--quiet").code());
    assertEquals(withoutTimes(straight), withoutTimes(resumed));
  }

  @Test
  void theConvCifarPresetBuildsAndTrainsOnCifarTenFiles() throws IOException {
    // the preset's network, readout and optimizer as written; only the sizes of the run are cut
    Path d = cifar(dir.resolve("preset"), 4, 5);
    Path out = dir.resolve("conv-cifar10");
    CommandLineTest.Result r = CommandLineTest.run("train", "--preset", "conv-cifar10", "--data", d.toString(),
        "--out", out.toString(), "--epochs", "1", "--quiet", "--set", "training.batch-size=4",
        "--set", "training.train-limit=8", "--set", "training.test-limit=4", "--set", "learner.free-steps=3",
        "--set", "learner.nudged-steps=2", "--set", "learner.inference-steps=3");
    assertEquals(0, r.code(), r.err());
    List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
    assertEquals(2, rows.size(), rows.toString());
    String config = Files.readString(out.resolve("config.yaml"));
    assertTrue(config.contains("softmax-readout") && config.contains("crop-flip"), config);
  }

  private static String[] concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toArray(String[]::new);
  }

  /** A run's metrics.csv without its timing columns (what an identical rerun must reproduce). */
  static List<String> withoutTimes(Path run) throws IOException {
    return Files.readAllLines(run.resolve("metrics.csv")).stream().map(l -> {
      String[] c = l.split(",");
      return String.join(",", c[0], c[1], c[2], c[6], c[7]);
    }).toList();
  }
}
