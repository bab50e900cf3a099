package org.eqprop.runner.data;

import java.util.Arrays;

/**
 * Labelled images kept as unsigned bytes: {@code count} images of {@code features} pixels each.
 * Pixels become floats in [0, 1] ({@code byte / 255}) only when a batch is built.
 *
 * @param name for messages, e.g. {@code train}
 * @param images {@code count × features} bytes, row-major
 * @param labels {@code count} class indices
 * @param count number of examples
 * @param features pixels per image
 */
public record Dataset(String name, byte[] images, byte[] labels, int count, int features) {
  /** {@code v / 255f} for every byte value {@code v}: the same floats as a division, looked up. */
  private static final float[] PIXEL = new float[256];
  /** How many images ahead {@link #fill} starts reading. */
  private static final int AHEAD = 4;
  /** Keeps the reads ahead from being optimised away. */
  private static volatile int sink;

  static {
    for (int v = 0; v < 256; v++) {
      PIXEL[v] = v / 255f;
    }
  }

  /** The label of example {@code i}. */
  public int label(int i) {
    return labels[i] & 0xff;
  }

  /** The first {@code n} examples ({@code n == 0} or {@code n >= count}: all). */
  public Dataset limit(int n) {
    if (n <= 0 || n >= count) {
      return this;
    }
    return new Dataset(
        name, Arrays.copyOf(images, n * features), Arrays.copyOf(labels, n), n, features);
  }

  /** Largest label present, or -1 when empty. */
  public int maxLabel() {
    int max = -1;
    for (byte b : labels) {
      max = Math.max(max, b & 0xff);
    }
    return max;
  }

  /**
   * Writes examples {@code indices[from .. from+n)} as floats into {@code x} ({@code n ×
   * features}, row-major), their one-hot targets into {@code target} ({@code n × classes}) and
   * their labels into {@code labels}.
   */
  public void fill(int[] indices, int from, int n, int classes, float[] x, float[] target, int[] labels) {
    Arrays.fill(target, 0, n * classes, 0f);
    int touched = 0;
    for (int r = 0; r < n; r++) {
      // the images lie anywhere in memory: start reading a few ahead, so their cache misses overlap
      if (r + AHEAD < n) {
        int ahead = indices[from + r + AHEAD] * features;
        for (int j = 0; j < features; j += 64) {
          touched += images[ahead + j];
        }
      }
      int idx = indices[from + r];
      int src = idx * features;
      int dst = r * features;
      for (int j = 0; j < features; j++) {
        x[dst + j] = PIXEL[images[src + j] & 0xff];
      }
      int label = label(idx);
      labels[r] = label;
      target[r * classes + label] = 1f;
    }
    sink = touched;
  }
}
