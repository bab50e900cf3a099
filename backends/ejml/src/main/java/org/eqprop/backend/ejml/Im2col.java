package org.eqprop.backend.ejml;

import java.util.HashMap;
import java.util.Map;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.Tensor;

/**
 * The {@code ejml} backend's convolutions as matrix products (im2col): a batch's input patches are
 * unfolded into one {@code kernelSize × (n · positions)} matrix, so that a convolution is one
 * product with the weights through the backend's {@link EjmlBackend#gemm} (its Vector API kernel),
 * its transpose one product with the transposed weights folded back (col2im), and its weight
 * gradient one product with the unfolded patches' transpose. The work tensors are kept per geometry
 * and batch size.
 */
final class Im2col {
  private final EjmlBackend backend;
  private final Map<String, Work> work = new HashMap<>();

  Im2col(EjmlBackend backend) {
    this.backend = backend;
  }

  /** One geometry and batch size's tap table and work tensors (created when first needed). */
  private final class Work {
    final ConvGeometry g;
    final int batch;
    final int[] taps;
    final int positions;
    Tensor cols;
    Tensor colsT;
    Tensor channelMajor;

    Work(ConvGeometry g, int batch) {
      this.g = g;
      this.batch = batch;
      this.taps = g.taps();
      this.positions = g.outHeight() * g.outWidth();
    }

    /** {@code kernelSize × (n · positions)}. */
    Tensor cols() {
      return cols != null ? cols : (cols = backend.zeros(g.kernelSize(), batch * positions));
    }

    /** {@code (n · positions) × kernelSize}. */
    Tensor colsT() {
      return colsT != null ? colsT : (colsT = backend.zeros(batch * positions, g.kernelSize()));
    }

    /** {@code outChannels × (n · positions)}: an output in channel-major order. */
    Tensor channelMajor() {
      return channelMajor != null ? channelMajor : (channelMajor = backend.zeros(g.outChannels(), batch * positions));
    }
  }

  private Work work(ConvGeometry g, int batch) {
    return work.computeIfAbsent(g + "/" + batch, k -> new Work(g, batch));
  }

  /** Unfolds the batch's patches: {@code cols[ci·k² + t][n·P + o]} (or its transpose). */
  private void unfold(Work w, float[] in, float[] out, boolean transposed) {
    ConvGeometry g = w.g;
    int kk = g.kernel() * g.kernel();
    int plane = g.inHeight() * g.inWidth();
    int width = w.batch * w.positions;
    int ks = g.kernelSize();
    for (int n = 0; n < w.batch; n++) {
      int sample = n * g.inUnits();
      for (int o = 0; o < w.positions; o++) {
        int column = n * w.positions + o;
        for (int ci = 0; ci < g.inChannels(); ci++) {
          int channel = sample + ci * plane;
          for (int t = 0; t < kk; t++) {
            int at = w.taps[o * kk + t];
            float v = at >= 0 ? in[channel + at] : 0f;
            int row = ci * kk + t;
            out[transposed ? column * ks + row : row * width + column] = v;
          }
        }
      }
    }
  }

  /** {@code channelMajor[co][n·P + o] = batchMajor[n][co·P + o]}, or back with {@code beta}. */
  private static void permute(float[] batchMajor, float[] channelMajor, int batch, int channels, int positions,
      boolean toChannelMajor, float beta) {
    int width = batch * positions;
    for (int n = 0; n < batch; n++) {
      for (int c = 0; c < channels; c++) {
        int b = (n * channels + c) * positions;
        int m = c * width + n * positions;
        for (int o = 0; o < positions; o++) {
          if (toChannelMajor) {
            channelMajor[m + o] = batchMajor[b + o];
          } else {
            batchMajor[b + o] = beta == 0f ? channelMajor[m + o] : beta * batchMajor[b + o] + channelMajor[m + o];
          }
        }
      }
    }
  }

  void forward(Tensor input, Tensor weights, ConvGeometry g, float beta, Tensor out) {
    Work w = work(g, input.rows());
    unfold(w, backend.data(input), backend.data(w.cols()), false);
    backend.gemm(1f, weights, false, w.cols(), false, 0f, w.channelMajor());
    permute(backend.data(out), backend.data(w.channelMajor()), w.batch, g.outChannels(), w.positions, false, beta);
  }

  void transpose(Tensor out, Tensor weights, ConvGeometry g, float beta, Tensor input) {
    Work w = work(g, out.rows());
    permute(backend.data(out), backend.data(w.channelMajor()), w.batch, g.outChannels(), w.positions, true, 0f);
    backend.gemm(1f, weights, true, w.channelMajor(), false, 0f, w.cols());
    float[] cols = backend.data(w.cols());
    float[] in = backend.data(input);
    int kk = g.kernel() * g.kernel();
    int plane = g.inHeight() * g.inWidth();
    int width = w.batch * w.positions;
    for (int i = 0; i < in.length; i++) {
      in[i] = beta == 0f ? 0f : beta * in[i];
    }
    for (int n = 0; n < w.batch; n++) {
      int sample = n * g.inUnits();
      for (int ci = 0; ci < g.inChannels(); ci++) {
        int channel = sample + ci * plane;
        for (int t = 0; t < kk; t++) {
          int row = (ci * kk + t) * width + n * w.positions;
          for (int o = 0; o < w.positions; o++) {
            int at = w.taps[o * kk + t];
            if (at >= 0) {
              in[channel + at] += cols[row + o];
            }
          }
        }
      }
    }
  }

  void weightGradient(Tensor input, Tensor out, ConvGeometry g, float alpha, Tensor weights) {
    Work w = work(g, input.rows());
    unfold(w, backend.data(input), backend.data(w.colsT()), true);
    permute(backend.data(out), backend.data(w.channelMajor()), w.batch, g.outChannels(), w.positions, true, 0f);
    backend.gemm(alpha, w.channelMajor(), false, w.colsT(), false, 1f, weights);
  }

  /** Releases the work tensors. */
  void close() {
    for (Work w : work.values()) {
      for (Tensor t : new Tensor[] {w.cols, w.colsT, w.channelMajor}) {
        if (t != null) {
          t.close();
        }
      }
    }
    work.clear();
  }
}
