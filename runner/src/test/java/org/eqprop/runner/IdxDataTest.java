package org.eqprop.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.eqprop.runner.data.DataException;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.data.IdxFile;
import org.eqprop.runner.data.MnistData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxDataTest {
  @TempDir Path dir;

  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) 8).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static byte[] gzip(byte[] raw) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(raw);
    }
    return out.toByteArray();
  }

  static byte[] seq(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i % 10);
    }
    return b;
  }

  /** Writes a small MNIST-layout directory: n train and m test images of 2x3 pixels. */
  static void writeSet(Path dir, int n, int m, boolean gz) throws IOException {
    write(dir, "train-images-idx3-ubyte", idx(new int[] {n, 2, 3}, seq(n * 6)), gz);
    write(dir, "train-labels-idx1-ubyte", idx(new int[] {n}, seq(n)), gz);
    write(dir, "t10k-images-idx3-ubyte", idx(new int[] {m, 2, 3}, seq(m * 6)), gz);
    write(dir, "t10k-labels-idx1-ubyte", idx(new int[] {m}, seq(m)), gz);
  }

  static void write(Path dir, String stem, byte[] raw, boolean gz) throws IOException {
    Files.createDirectories(dir);
    if (gz) {
      Files.write(dir.resolve(stem + ".gz"), gzip(raw));
    } else {
      Files.write(dir.resolve(stem), raw);
    }
  }

  @Test
  void readsRawAndGzipFilesAlike() throws IOException {
    byte[] raw = idx(new int[] {2, 2, 3}, seq(12));
    Files.write(dir.resolve("raw"), raw);
    Files.write(dir.resolve("packed.gz"), gzip(raw));
    IdxFile a = IdxFile.read(dir.resolve("raw"));
    IdxFile b = IdxFile.read(dir.resolve("packed.gz"));
    assertArrayEquals(new int[] {2, 2, 3}, a.dims());
    assertArrayEquals(a.data(), b.data());
    assertArrayEquals(seq(12), a.data());
  }

  @Test
  void loadsADirectoryOfEitherForm() throws IOException {
    writeSet(dir.resolve("gz"), 30, 10, true);
    writeSet(dir.resolve("raw"), 30, 10, false);
    for (String d : new String[] {"gz", "raw"}) {
      MnistData data = MnistData.load(dir.resolve(d));
      assertEquals(30, data.train().count());
      assertEquals(10, data.test().count());
      assertEquals(6, data.train().features());
      assertEquals(7, data.train().label(17));
    }
  }

  private String error(byte[] content) throws IOException {
    Path f = dir.resolve("f");
    Files.write(f, content);
    return assertThrows(DataException.class, () -> IdxFile.read(f)).getMessage().replace(f.toString(), "F");
  }

  @Test
  void truncatedAndMalformedFilesGetOneClearLine() throws IOException {
    byte[] good = idx(new int[] {2, 2, 3}, seq(12));
    assertEquals("data file F is truncated: dimensions [2, 2, 3] need 12 bytes of data, found 7",
        error(Arrays.copyOf(good, good.length - 5)));
    assertEquals("data file F has 3 unexpected bytes after the 12 bytes its dimensions [2, 2, 3] declare",
        error(Arrays.copyOf(good, good.length + 3)));
    assertEquals("data file F is not an IDX file: bad magic number 50 4b 03 04",
        error(new byte[] {0x50, 0x4b, 3, 4, 0, 0, 0, 0}));
    assertEquals("data file F is not an IDX file: 2 bytes, too short for a header", error(new byte[] {0, 0}));
    assertEquals("data file F is truncated: its header needs 16 bytes, the file has 9",
        error(Arrays.copyOf(good, 9)));
    byte[] floats = good.clone();
    floats[2] = 0x0D;
    assertEquals("data file F holds IDX type 0x0d; only unsigned bytes (0x08) are supported", error(floats));
    byte[] gz = gzip(good);
    assertEquals("data file F is a truncated gzip file", error(Arrays.copyOf(gz, gz.length / 2)));
    byte[] corrupt = gz.clone();
    corrupt[2] = 7; // compression method: only 8 (deflate) exists
    assertEquals("data file F is a corrupt gzip file: Unsupported compression method", error(corrupt));
  }

  @Test
  void mismatchedCountsMissingFilesAndLabelsOutOfRange() throws IOException {
    writeSet(dir, 30, 10, false);
    write(dir, "t10k-labels-idx1-ubyte", idx(new int[] {9}, seq(9)), false);
    assertEquals("data files t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte disagree: 10 images but 9 labels",
        assertThrows(DataException.class, () -> MnistData.load(dir)).getMessage());

    Files.delete(dir.resolve("t10k-labels-idx1-ubyte"));
    assertEquals("data file t10k-labels-idx1-ubyte (or t10k-labels-idx1-ubyte.gz) not found in " + dir,
        assertThrows(DataException.class, () -> MnistData.load(dir)).getMessage());

    assertEquals("data directory " + dir.resolve("nope") + " not found",
        assertThrows(DataException.class, () -> MnistData.load(dir.resolve("nope"))).getMessage());

    writeSet(dir, 30, 10, false);
    MnistData data = MnistData.load(dir);
    assertEquals("train label 5 at index 5 is outside the model's 5 outputs (model.layers ends with 5)",
        assertThrows(DataException.class, () -> data.requireShape(6, 5)).getMessage());
    assertEquals("model.layers starts with 784 inputs but the images have 6 pixels",
        assertThrows(DataException.class, () -> data.requireShape(784, 10)).getMessage());
  }

  @Test
  void batchesScalePixelsToTheUnitIntervalAndOneHotTheLabels() throws IOException {
    write(dir, "train-images-idx3-ubyte", idx(new int[] {2, 1, 2}, new byte[] {0, (byte) 255, 51, (byte) 128}), false);
    write(dir, "train-labels-idx1-ubyte", idx(new int[] {2}, new byte[] {2, 0}), false);
    write(dir, "t10k-images-idx3-ubyte", idx(new int[] {1, 1, 2}, new byte[] {1, 2}), false);
    write(dir, "t10k-labels-idx1-ubyte", idx(new int[] {1}, new byte[] {1}), false);
    MnistData data = MnistData.load(dir);
    float[] x = new float[4];
    float[] t = new float[6];
    int[] labels = new int[2];
    data.train().fill(new int[] {1, 0}, 0, 2, 3, x, t, labels);
    assertArrayEquals(new float[] {0.2f, 128 / 255f, 0f, 1f}, x);
    assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, t);
    assertArrayEquals(new int[] {0, 2}, labels);
  }

  /** Every byte value becomes exactly {@code v / 255f}, in batches longer than the look-ahead. */
  @Test
  void everyPixelValueBecomesItsQuotientBy255() {
    int features = 256;
    int count = 12;
    byte[] images = new byte[count * features];
    for (int i = 0; i < images.length; i++) {
      images[i] = (byte) (i * 7 + i / features);
    }
    Dataset d = new Dataset("train", images, new byte[count], count, features);
    int[] order = {11, 3, 0, 7, 5, 9, 1, 10, 2, 8, 4, 6};
    float[] x = new float[count * features];
    d.fill(order, 0, count, 1, x, new float[count], new int[count]);
    for (int r = 0; r < count; r++) {
      for (int j = 0; j < features; j++) {
        int v = images[order[r] * features + j] & 0xff;
        assertEquals(v / 255f, x[r * features + j], "example " + r + " pixel " + j);
      }
    }
  }
}
