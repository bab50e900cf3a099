package org.eqprop.api.tensor;

/**
 * Pooling on float arrays laid out as {@link PoolGeometry} says: the generic form {@link Backend}'s
 * defaults run on host copies, and a backend whose tensors are host arrays runs on them directly.
 */
public final class HostPooling {
  private HostPooling() {}

  /** Checks the shapes of a pooling's tensors (a selection only for max pooling). */
  public static void requireShapes(String op, PoolGeometry g, Tensor input, Tensor output, Tensor selection) {
    boolean selectionOk = !g.max() || (selection != null && selection.rows() == output.rows()
        && selection.cols() == g.outUnits());
    if (input.cols() != g.inUnits() || output.cols() != g.outUnits() || input.rows() != output.rows() || !selectionOk) {
      throw new IllegalArgumentException(op + " of " + g + " needs input n x " + g.inUnits() + ", output n x "
          + g.outUnits() + (g.max() ? " and a selection n x " + g.outUnits() : "") + ", got " + input.rows() + " x "
          + input.cols() + " and " + output.rows() + " x " + output.cols()
          + (g.max() ? (selection == null ? " and no selection" : " and " + selection.rows() + " x " + selection.cols()) : ""));
    }
  }

  /**
   * Pools each sample of {@code in} into {@code out}; for max pooling, {@code selection} receives
   * the offset within the sample of each window's largest value (the first of equal ones).
   */
  public static void pool(float[] in, PoolGeometry g, int batch, float[] out, float[] selection) {
    pool(in, g, 0, batch, out, selection);
  }

  /** {@link #pool(float[], PoolGeometry, int, float[], float[])} for samples {@code from … to−1} only. */
  public static void pool(float[] in, PoolGeometry g, int from, int to, float[] out, float[] selection) {
    if (g.max() && g.size() == 2) {
      maxPool2x2(in, g, from, to, out, selection);
      return;
    }
    int p = g.size();
    int ho = g.outHeight();
    int wo = g.outWidth();
    for (int n = from; n < to; n++) {
      int sample = n * g.inUnits();
      for (int c = 0; c < g.channels(); c++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            int corner = (c * g.height() + oy * p) * g.width() + ox * p;
            int o = n * g.outUnits() + (c * ho + oy) * wo + ox;
            if (g.max()) {
              int best = firstLargest(in, sample, corner, p, g.width());
              out[o] = in[sample + best];
              selection[o] = best;
            } else {
              double sum = 0;
              for (int dy = 0; dy < p; dy++) {
                for (int dx = 0, at = corner + dy * g.width(); dx < p; dx++, at++) {
                  sum += in[sample + at];
                }
              }
              out[o] = (float) (sum / (p * p));
            }
          }
        }
      }
    }
  }

  /**
   * Max pooling over 2×2 windows without a branch on the data (the general loop's comparisons go
   * either way on real states, and their mispredictions cost more than the rest of the pooling): the
   * window's maximum, then the first of its four values equal to it. A window holding a NaN goes by
   * {@link #firstLargest}, the general rule, so that both give the same values and selections everywhere.
   */
  private static void maxPool2x2(float[] in, PoolGeometry g, int from, int to, float[] out, float[] selection) {
    int w = g.width();
    int ho = g.outHeight();
    int wo = g.outWidth();
    for (int n = from; n < to; n++) {
      int sample = n * g.inUnits();
      int o = n * g.outUnits();
      for (int c = 0; c < g.channels(); c++) {
        for (int oy = 0; oy < ho; oy++) {
          int row = (c * g.height() + oy * 2) * w;
          for (int ox = 0; ox < wo; ox++, o++) {
            int corner = row + ox * 2;
            int i = sample + corner;
            float a = in[i];
            float b = in[i + 1];
            float d = in[i + w];
            float e = in[i + w + 1];
            float top = Math.max(Math.max(a, b), Math.max(d, e));
            int at;
            if (Float.isNaN(top)) {
              at = firstLargest(in, sample, corner, 2, w);
            } else {
              int first = Integer.numberOfTrailingZeros((a == top ? 1 : 0) | (b == top ? 2 : 0) | (d == top ? 4 : 0) | 8);
              at = corner + (first >> 1) * w + (first & 1);
            }
            out[o] = in[sample + at];
            selection[o] = at;
          }
        }
      }
    }
  }

  /**
   * The general rule of max pooling: the offset of the window's first value, replaced only by a
   * strictly larger one (so a leading NaN stays selected and a later one is passed over).
   */
  private static int firstLargest(float[] in, int sample, int corner, int p, int width) {
    int best = corner;
    float top = in[sample + corner];
    for (int dy = 0; dy < p; dy++) {
      for (int dx = 0, at = corner + dy * width; dx < p; dx++, at++) {
        float v = in[sample + at];
        if (v > top) {
          top = v;
          best = at;
        }
      }
    }
    return best;
  }

  /** {@code in = beta·in + Pᵀ(out)}: each output back to its selected input (max) or spread over its window (average). */
  public static void unpool(float[] out, float[] selection, PoolGeometry g, int batch, float beta, float[] in) {
    unpool(out, selection, g, 0, batch, beta, in);
  }

  /** {@link #unpool(float[], float[], PoolGeometry, int, float, float[])} for samples {@code from … to−1} only. */
  public static void unpool(float[] out, float[] selection, PoolGeometry g, int from, int to, float beta, float[] in) {
    int p = g.size();
    int ho = g.outHeight();
    int wo = g.outWidth();
    for (int i = from * g.inUnits(); i < to * g.inUnits(); i++) {
      in[i] = beta == 0f ? 0f : beta * in[i];
    }
    for (int n = from; n < to; n++) {
      for (int c = 0; c < g.channels(); c++) {
        for (int oy = 0; oy < ho; oy++) {
          for (int ox = 0; ox < wo; ox++) {
            int o = n * g.outUnits() + (c * ho + oy) * wo + ox;
            if (g.max()) {
              in[n * g.inUnits() + (int) selection[o]] += out[o];
            } else {
              float share = out[o] / (p * p);
              for (int dy = 0; dy < p; dy++) {
                for (int dx = 0; dx < p; dx++) {
                  in[n * g.inUnits() + (c * g.height() + oy * p + dy) * g.width() + ox * p + dx] += share;
                }
              }
            }
          }
        }
      }
    }
  }
}
