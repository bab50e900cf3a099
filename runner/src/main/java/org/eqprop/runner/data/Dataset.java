package org.eqprop.runner.data;

import java.util.Arrays;

/**
 * Labelled images kept as unsigned bytes: {@code count} images of {@link #shape} each, channel by
 * channel. Pixels become floats only when a batch is built: {@code byte / 255}, or through the
 * per-channel table of a normalised set ({@link #normalized}).
 *
 * @param name for messages, e.g. {@code train}
 * @param images {@code count × features} bytes, row-major
 * @param labels {@code count} class indices
 * @param count number of examples
 * @param shape each image's channels, height and width
 * @param pixelValues the float of every byte value, per channel ({@code channels × 256}); null for
 *     {@code byte / 255}
 */
public record Dataset(String name, byte[] images, byte[] labels, int count, ImageShape shape, float[] pixelValues) {
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

  /** A set of flat images of {@code features} pixels (one channel, one row). */
  public Dataset(String name, byte[] images, byte[] labels, int count, int features) {
    this(name, images, labels, count, new ImageShape(1, 1, features), null);
  }

  /** Pixels per image. */
  public int features() {
    return shape.size();
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
        name, Arrays.copyOf(images, n * features()), Arrays.copyOf(labels, n), n, shape, pixelValues);
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
   * Each channel's mean and standard deviation of the pixel values ({@code byte / 255}) over the
   * whole set, in double precision: {@code [mean_0, …, mean_{c-1}, sd_0, …, sd_{c-1}]}.
   */
  public double[] channelStatistics() {
    int channels = shape.channels();
    int plane = shape.plane();
    long[][] histogram = new long[channels][256];
    for (int i = 0; i < count; i++) {
      int base = i * features();
      for (int c = 0; c < channels; c++) {
        long[] h = histogram[c];
        for (int j = base + c * plane, end = j + plane; j < end; j++) {
          h[images[j] & 0xff]++;
        }
      }
    }
    double[] out = new double[2 * channels];
    for (int c = 0; c < channels; c++) {
      double n = (double) count * plane;
      double sum = 0;
      double squares = 0;
      for (int v = 0; v < 256; v++) {
        double x = v / 255.0;
        sum += histogram[c][v] * x;
        squares += histogram[c][v] * x * x;
      }
      double mean = sum / n;
      out[c] = mean;
      out[channels + c] = Math.sqrt(Math.max(0, squares / n - mean * mean));
    }
    return out;
  }

  /**
   * This set with pixels {@code (byte / 255 - mean_c) / sd_c}: {@code statistics} as {@link
   * #channelStatistics} gives them (the training set's, for both sets); a channel whose deviation
   * is 0 is only centred.
   */
  public Dataset normalized(double[] statistics) {
    int channels = shape.channels();
    if (statistics.length != 2 * channels) {
      throw new IllegalArgumentException("statistics for " + statistics.length / 2 + " channels, images have " + channels);
    }
    float[] table = new float[channels * 256];
    for (int c = 0; c < channels; c++) {
      double sd = statistics[channels + c] > 0 ? statistics[channels + c] : 1;
      for (int v = 0; v < 256; v++) {
        table[c * 256 + v] = (float) ((v / 255.0 - statistics[c]) / sd);
      }
    }
    return new Dataset(name, images, labels, count, shape, table);
  }

  /**
   * Writes examples {@code indices[from .. from+n)} as floats into {@code x} ({@code n ×
   * features}, row-major), their one-hot targets into {@code target} ({@code n × classes}) and
   * their labels into {@code labels}.
   */
  public void fill(int[] indices, int from, int n, int classes, float[] x, float[] target, int[] labels) {
    fill(indices, from, n, classes, x, target, labels, null, 0);
  }

  /**
   * As {@link #fill(int[], int, int, int, float[], float[], int[])}, each image transformed by
   * {@code augmentation}'s draws for {@code epoch} (null: as stored).
   */
  public void fill(int[] indices, int from, int n, int classes, float[] x, float[] target, int[] labels,
      Augmentation augmentation, int epoch) {
    Arrays.fill(target, 0, n * classes, 0f);
    int features = features();
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
      if (augmentation != null) {
        int[] d = augmentation.draw(epoch, idx);
        transformed(src, d[0], d[1], d[2] == 1, x, dst);
      } else if (pixelValues == null) {
        for (int j = 0; j < features; j++) {
          x[dst + j] = PIXEL[images[src + j] & 0xff];
        }
      } else {
        int plane = shape.plane();
        for (int c = 0; c < shape.channels(); c++) {
          int base = c * 256;
          for (int j = c * plane, end = j + plane; j < end; j++) {
            x[dst + j] = pixelValues[base + (images[src + j] & 0xff)];
          }
        }
      }
      int label = label(idx);
      labels[r] = label;
      target[r * classes + label] = 1f;
    }
    sink = touched;
  }

  /**
   * Image {@code src} (its first byte's offset) shifted by {@code dy} rows and {@code dx} columns —
   * pixel {@code (y, x)} of the result is pixel {@code (y + dy, x + dx)} of the image, black outside
   * it — and mirrored left to right first when {@code flip}; written as floats at {@code out[dst..]}.
   */
  void transformed(int src, int dy, int dx, boolean flip, float[] out, int dst) {
    int h = shape.height();
    int w = shape.width();
    int plane = shape.plane();
    for (int c = 0; c < shape.channels(); c++) {
      float black = pixelValues == null ? 0f : pixelValues[c * 256];
      for (int y = 0; y < h; y++) {
        int sy = y + dy;
        for (int x = 0; x < w; x++) {
          int sx = (flip ? w - 1 - x : x) + dx;
          int at = dst + c * plane + y * w + x;
          if (sy < 0 || sy >= h || sx < 0 || sx >= w) {
            out[at] = black;
          } else {
            int v = images[src + c * plane + sy * w + sx] & 0xff;
            out[at] = pixelValues == null ? PIXEL[v] : pixelValues[c * 256 + v];
          }
        }
      }
    }
  }
}
