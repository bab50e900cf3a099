package org.eqprop.runner.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CIFAR-10's binary version ({@code cifar-10-batches-bin}): {@code data_batch_1.bin} …
 * {@code data_batch_5.bin} (the 50,000 training images) and {@code test_batch.bin} (10,000), each a
 * sequence of 3,073-byte records: the label (0–9), then the 32×32 red, green and blue planes, row by
 * row. No registry ships the files; they come from https://www.cs.toronto.edu/~kriz/cifar.html.
 */
public final class Cifar10 {
  /** The images' shape. */
  public static final ImageShape SHAPE = new ImageShape(3, 32, 32);
  /** The training files, in order. */
  public static final List<String> TRAIN = List.of(
      "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
  /** The test file. */
  public static final String TEST = "test_batch.bin";

  private static final int RECORD = 1 + 3 * 32 * 32;

  private Cifar10() {}

  /** Whether {@code dir} holds CIFAR-10's files (any of them: a missing one is then an error of its own). */
  static boolean holds(Path dir) {
    if (Files.isRegularFile(dir.resolve(TEST))) {
      return true;
    }
    for (String f : TRAIN) {
      if (Files.isRegularFile(dir.resolve(f))) {
        return true;
      }
    }
    return false;
  }

  /** Reads and checks the six files of {@code dir}; every problem is one line naming the file. */
  public static MnistData load(Path dir) {
    List<Path> train = new ArrayList<>();
    for (String f : TRAIN) {
      train.add(dir.resolve(f));
    }
    return new MnistData(read("train", train), read("test", List.of(dir.resolve(TEST))));
  }

  private static Dataset read(String name, List<Path> files) {
    List<byte[]> contents = new ArrayList<>();
    long records = 0;
    for (Path f : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (NoSuchFileException e) {
        throw new DataException("data file " + f.getFileName() + " not found in " + f.getParent()
            + " (CIFAR-10's binary version has data_batch_1.bin … data_batch_5.bin and test_batch.bin)");
      } catch (IOException e) {
        throw new DataException("data file " + f + " cannot be read: " + e.getMessage());
      }
      if (bytes.length == 0 || bytes.length % RECORD != 0) {
        throw new DataException("data file " + f + " is not in CIFAR-10's binary format: its " + bytes.length
            + " bytes are not a whole number of " + RECORD + "-byte records");
      }
      for (int r = 0; r < bytes.length / RECORD; r++) {
        int label = bytes[r * RECORD] & 0xff;
        if (label > 9) {
          throw new DataException("data file " + f + ", record " + (r + 1) + ": label " + label
              + " is not a CIFAR-10 class (0-9)");
        }
      }
      records += bytes.length / RECORD;
      contents.add(bytes);
    }
    int count = Math.toIntExact(records);
    byte[] images = new byte[count * SHAPE.size()];
    byte[] labels = new byte[count];
    int i = 0;
    for (byte[] bytes : contents) {
      for (int r = 0; r < bytes.length / RECORD; r++, i++) {
        labels[i] = bytes[r * RECORD];
        System.arraycopy(bytes, r * RECORD + 1, images, i * SHAPE.size(), SHAPE.size());
      }
    }
    return new Dataset(name, images, labels, count, SHAPE, null);
  }
}
