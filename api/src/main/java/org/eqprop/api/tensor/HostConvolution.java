package org.eqprop.api.tensor;

/**
 * The generic convolution of {@link Backend}'s defaults: on host copies of the tensors, in double
 * precision, one sample at a time. Correct everywhere and slow; a backend offers its own by
 * overriding the three operations.
 */
final class HostConvolution {
  private HostConvolution() {}

  /** {@code out = beta·out + conv(in, w)}. */
  static void forward(float[] in, float[] w, ConvGeometry g, int batch, float beta, float[] out) {
    int kk = g.kernel() * g.kernel();
    int positions = g.outHeight() * g.outWidth();
    int plane = g.inHeight() * g.inWidth();
    int[] taps = g.taps();
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
    int[] taps = g.taps();
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
    int[] taps = g.taps();
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
