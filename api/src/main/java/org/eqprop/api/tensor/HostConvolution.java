package org.eqprop.api.tensor;

/**
 * The generic convolution of {@link Backend}'s defaults: on host copies of the tensors, in double
 * precision, one sample at a time. Correct everywhere and slow; a backend offers its own by
 * overriding the three operations.
 */
final class HostConvolution {
  private HostConvolution() {}

  static void requireShapes(String op, ConvGeometry g, Tensor input, Tensor weights, Tensor output) {
    if (input.cols() != g.inUnits() || output.cols() != g.outUnits() || input.rows() != output.rows()
        || weights.rows() != g.outChannels() || weights.cols() != g.kernelSize()) {
      throw new IllegalArgumentException(op + " of " + g + " needs input n x " + g.inUnits() + ", weights "
          + g.outChannels() + " x " + g.kernelSize() + " and output n x " + g.outUnits() + ", got " + input.rows() + " x "
          + input.cols() + ", " + weights.rows() + " x " + weights.cols() + " and " + output.rows() + " x " + output.cols());
    }
  }

  /**
   * For output position {@code o} (row-major over {@code outHeight × outWidth}) and kernel tap
   * {@code t} (row-major over {@code kernel × kernel}): the input position ({@code y · inWidth + x})
   * it reads, or -1 where it falls in the padding. Entry {@code o · kernel² + t}.
   */
  private static int[] taps(ConvGeometry g) {
    int k = g.kernel();
    int positions = g.outHeight() * g.outWidth();
    int[] taps = new int[positions * k * k];
    for (int o = 0; o < positions; o++) {
      int oy = o / g.outWidth();
      int ox = o % g.outWidth();
      for (int t = 0; t < k * k; t++) {
        int iy = oy * g.stride() - g.padding() + t / k;
        int ix = ox * g.stride() - g.padding() + t % k;
        boolean inside = iy >= 0 && iy < g.inHeight() && ix >= 0 && ix < g.inWidth();
        taps[o * k * k + t] = inside ? iy * g.inWidth() + ix : -1;
      }
    }
    return taps;
  }

  /** {@code out = beta·out + conv(in, w)}. */
  static void forward(float[] in, float[] w, ConvGeometry g, int batch, float beta, float[] out) {
    int kk = g.kernel() * g.kernel();
    int positions = g.outHeight() * g.outWidth();
    int plane = g.inHeight() * g.inWidth();
    int[] taps = taps(g);
    for (int n = 0; n < batch; n++) {
      int inBase = n * g.inUnits();
      int outBase = n * g.outUnits();
      for (int co = 0; co < g.outChannels(); co++) {
        for (int o = 0; o < positions; o++) {
          double s = 0;
          for (int ci = 0; ci < g.inChannels(); ci++) {
            int wBase = co * g.kernelSize() + ci * kk;
            int channel = inBase + ci * plane;
            for (int t = 0; t < kk; t++) {
              int at = taps[o * kk + t];
              if (at >= 0) {
                s += (double) in[channel + at] * w[wBase + t];
              }
            }
          }
          int j = outBase + co * positions + o;
          out[j] = (float) (beta == 0f ? s : beta * (double) out[j] + s);
        }
      }
    }
  }

  /** {@code in = beta·in + convᵀ(out, w)}: the adjoint of {@link #forward} in its input. */
  static void transpose(float[] out, float[] w, ConvGeometry g, int batch, float beta, float[] in) {
    int kk = g.kernel() * g.kernel();
    int positions = g.outHeight() * g.outWidth();
    int plane = g.inHeight() * g.inWidth();
    int[] taps = taps(g);
    double[] acc = new double[g.inUnits()];
    for (int n = 0; n < batch; n++) {
      java.util.Arrays.fill(acc, 0);
      int outBase = n * g.outUnits();
      for (int co = 0; co < g.outChannels(); co++) {
        for (int o = 0; o < positions; o++) {
          double v = out[outBase + co * positions + o];
          for (int ci = 0; ci < g.inChannels(); ci++) {
            int wBase = co * g.kernelSize() + ci * kk;
            for (int t = 0; t < kk; t++) {
              int at = taps[o * kk + t];
              if (at >= 0) {
                acc[ci * plane + at] += v * w[wBase + t];
              }
            }
          }
        }
      }
      int inBase = n * g.inUnits();
      for (int j = 0; j < acc.length; j++) {
        in[inBase + j] = (float) (beta == 0f ? acc[j] : beta * (double) in[inBase + j] + acc[j]);
      }
    }
  }

  /** {@code w += alpha · Σ_samples ∂⟨conv(in, w), out⟩/∂w}. */
  static void weightGradient(float[] in, float[] out, ConvGeometry g, int batch, float alpha, float[] w) {
    int kk = g.kernel() * g.kernel();
    int positions = g.outHeight() * g.outWidth();
    int plane = g.inHeight() * g.inWidth();
    int[] taps = taps(g);
    double[] acc = new double[w.length];
    for (int n = 0; n < batch; n++) {
      int inBase = n * g.inUnits();
      int outBase = n * g.outUnits();
      for (int co = 0; co < g.outChannels(); co++) {
        for (int o = 0; o < positions; o++) {
          double v = out[outBase + co * positions + o];
          for (int ci = 0; ci < g.inChannels(); ci++) {
            int wBase = co * g.kernelSize() + ci * kk;
            int channel = inBase + ci * plane;
            for (int t = 0; t < kk; t++) {
              int at = taps[o * kk + t];
              if (at >= 0) {
                acc[wBase + t] += v * in[channel + at];
              }
            }
          }
        }
      }
    }
    for (int j = 0; j < w.length; j++) {
      w[j] = (float) (w[j] + alpha * acc[j]);
    }
  }
}
