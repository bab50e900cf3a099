package org.eqprop.backend.ejml;

import java.util.HashMap;
import java.util.Map;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.Tensor;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;

/**
 * The {@code ejml} backend's convolutions as matrix products (im2col), one example at a time: an
 * example's input patches are unfolded into a {@code kernelSize × positions} matrix small enough
 * to stay in the core's cache, so that its convolution is one product of the weights with it, whose
 * {@code outChannels × positions} result is the example's output as it is laid out; the transpose
 * multiplies the transposed weights with the example's output and folds the columns back (col2im),
 * or, where at most a third of the example's output is nonzero (a max pooling's feedback: at most
 * a quarter), sums for each output position the weight rows of its nonzero channels (their taps
 * laid out with the channels last, so that each kernel row adds back as one vector row) and folds
 * those rows back;
 * the weight gradient sums the products of each example's output with its unfolded patches'
 * transpose. The examples are split over the worker threads, each with its own buffers, the
 * weights laid out once per call for the product kernel ({@link Gemm}) where the backend has one,
 * else multiplied by EJML's {@code CommonOps_FDRM}.
 */
final class Im2col {
  private final Gemm kernel;
  private final Lanes lanes;
  private final Workers workers;
  private final long mtThreshold;
  private final Map<ConvGeometry, Work> work = new HashMap<>();

  /**
   * @param kernel the backend's product kernel, or null for EJML's products
   * @param lanes the loops that add the columns back at stride 1 and sum the weight rows of sparse outputs
   * @param workers the backend's threads
   * @param mtThreshold calls with at least this many multiply-adds split their examples over the threads
   */
  Im2col(Gemm kernel, Lanes lanes, Workers workers, long mtThreshold) {
    this.kernel = kernel;
    this.lanes = lanes;
    this.workers = workers;
    this.mtThreshold = mtThreshold;
  }

  /**
   * One geometry's segments and, per thread, its buffers (created when first needed). For kernel
   * tap {@code t} and output row {@code oy}, the outputs {@code lo[t] ≤ ox < hi[t]} read the input
   * from {@code start[t·outHeight + oy]} on, one every {@code stride}, and the others read the
   * padding; a start of -1 marks a row that is padding throughout.
   */
  private final class Work {
    final ConvGeometry g;
    final int positions;
    final int kk;
    final int plane;
    final int[] lo;
    final int[] hi;
    final int[] start;
    /** Entry {@code o · k² + t}: the input position tap {@code t} of output {@code o} reads, or -1. */
    final int[] taps;
    final Part[] parts = new Part[workers.threads()];
    /** The weights with each row's taps in the order {@code (ky, kx, ci)}, for the sparse transpose. */
    float[] channelsLast = new float[0];

    Work(ConvGeometry g) {
      this.g = g;
      this.positions = g.outHeight() * g.outWidth();
      this.kk = g.kernel() * g.kernel();
      this.plane = g.inHeight() * g.inWidth();
      this.taps = g.taps();
      int k = g.kernel(), s = g.stride(), pad = g.padding(), ow = g.outWidth(), oh = g.outHeight();
      this.lo = new int[kk];
      this.hi = new int[kk];
      this.start = new int[kk * oh];
      for (int t = 0; t < kk; t++) {
        int ky = t / k, kx = t % k;
        // ox·s − pad + kx inside [0, inWidth)
        lo[t] = Math.min(ow, Math.max(0, Math.floorDiv(pad - kx + s - 1, s)));
        hi[t] = Math.max(lo[t], Math.min(ow, Math.floorDiv(g.inWidth() - 1 + pad - kx, s) + 1));
        for (int oy = 0; oy < oh; oy++) {
          int iy = oy * s - pad + ky;
          boolean inside = iy >= 0 && iy < g.inHeight() && lo[t] < hi[t];
          start[t * oh + oy] = inside ? iy * g.inWidth() + lo[t] * s - pad + kx : -1;
        }
      }
    }

    Part part(int p) {
      return parts[p] != null ? parts[p] : (parts[p] = new Part(g.kernelSize() * positions,
          g.outChannels() * positions, g.outChannels() * g.kernelSize(), positions, g.inUnits()));
    }

    /** Lays the weights' rows out with the channels last, {@code (ky·k + kx)·C + ci}, into {@link #channelsLast}. */
    void arrangeChannelsLast(float[] weights) {
      int c = g.inChannels(), ks = g.kernelSize();
      if (channelsLast.length < weights.length) {
        channelsLast = new float[weights.length];
      }
      for (int r = 0; r < g.outChannels() * ks; r += ks) {
        for (int ci = 0; ci < c; ci++) {
          for (int t = 0; t < kk; t++) {
            channelsLast[r + t * c + ci] = weights[r + ci * kk + t];
          }
        }
      }
    }

    /** {@code cols[(ci·k² + t)·P + o]}: example {@code n}'s patches, one row per channel and tap. */
    void unfold(float[] in, int n, float[] cols) {
      int oh = g.outHeight(), ow = g.outWidth(), s = g.stride();
      for (int ci = 0; ci < g.inChannels(); ci++) {
        int channel = n * g.inUnits() + ci * plane;
        for (int t = 0; t < kk; t++) {
          int a = lo[t], b = hi[t];
          for (int oy = 0, d = (ci * kk + t) * positions; oy < oh; oy++, d += ow) {
            int from = start[t * oh + oy];
            if (from < 0) {
              for (int ox = 0; ox < ow; ox++) {
                cols[d + ox] = 0f;
              }
              continue;
            }
            for (int ox = 0; ox < a; ox++) {
              cols[d + ox] = 0f;
            }
            if (s == 1) {
              System.arraycopy(in, channel + from, cols, d + a, b - a);
            } else {
              for (int ox = a, i = channel + from; ox < b; ox++, i += s) {
                cols[d + ox] = in[i];
              }
            }
            for (int ox = b; ox < ow; ox++) {
              cols[d + ox] = 0f;
            }
          }
        }
      }
    }

    /** {@code cols[o·kernelSize + ci·k² + t]}: example {@code n}'s patches, one row per output position. */
    void unfoldTransposed(float[] in, int n, float[] cols) {
      int ks = g.kernelSize();
      for (int o = 0; o < positions; o++) {
        for (int ci = 0; ci < g.inChannels(); ci++) {
          int channel = n * g.inUnits() + ci * plane;
          for (int t = 0, row = o * ks + ci * kk; t < kk; t++) {
            int from = taps[o * kk + t];
            cols[row + t] = from >= 0 ? in[channel + from] : 0f;
          }
        }
      }
    }

    /**
     * {@code in[n] = beta·in[n] + col2im(rows)} for {@code rows[o·kernelSize + (ky·k + kx)·C + ci]},
     * one row per output position with the channels last: each tap's {@code C} values are added as
     * one vector row into {@code image}, the input laid out channels last ({@code (y·W + x)·C + ci}),
     * which is then added to {@code in}. Rows {@code o} with {@code count[o]} 0 are 0 and skipped.
     */
    void foldTransposed(float[] rows, int[] count, float[] image, float beta, float[] in, int n) {
      int c = g.inChannels(), k = g.kernel(), s = g.stride(), pad = g.padding(), ow = g.outWidth();
      int iw = g.inWidth(), ih = g.inHeight(), ks = g.kernelSize();
      java.util.Arrays.fill(image, 0, g.inUnits(), 0f);
      for (int o = 0; o < positions; o++) {
        if (count[o] == 0) {
          continue;
        }
        int y0 = (o / ow) * s - pad;
        int x0 = (o % ow) * s - pad;
        int kxLo = Math.max(0, -x0);
        int kxHi = Math.min(k, iw - x0);
        for (int ky = Math.max(0, -y0), kyHi = Math.min(k, ih - y0); ky < kyHi; ky++) {
          // taps kxLo … kxHi−1 of this kernel row are consecutive pixels: one row of their channels
          lanes.addRow(rows, o * ks + (ky * k + kxLo) * c, image, ((y0 + ky) * iw + x0 + kxLo) * c,
              (kxHi - kxLo) * c);
        }
      }
      int first = n * g.inUnits();
      for (int ci = 0; ci < c; ci++) {
        for (int p = 0, i = first + ci * plane; p < plane; p++, i++) {
          float v = image[p * c + ci];
          in[i] = beta == 0f ? v : beta * in[i] + v;
        }
      }
    }

    /** {@code in[n] = beta·in[n] + col2im(cols)}: each row's values added back where its patches were read. */
    void fold(float[] cols, float beta, float[] in, int n) {
      int first = n * g.inUnits();
      for (int i = first; i < first + g.inUnits(); i++) {
        in[i] = beta == 0f ? 0f : beta * in[i];
      }
      int oh = g.outHeight(), ow = g.outWidth(), s = g.stride();
      for (int ci = 0; ci < g.inChannels(); ci++) {
        int channel = first + ci * plane;
        for (int t = 0; t < kk; t++) {
          int a = lo[t], b = hi[t];
          for (int oy = 0, d = (ci * kk + t) * positions; oy < oh; oy++, d += ow) {
            int to = start[t * oh + oy];
            if (to < 0) {
              continue;
            }
            if (s == 1) {
              lanes.addRow(cols, d + a, in, channel + to, b - a);
            } else {
              for (int ox = a, i = channel + to; ox < b; ox++, i += s) {
                in[i] += cols[d + ox];
              }
            }
          }
        }
      }
    }
  }

  /**
   * One thread's buffers: an example's unfolded patches, its output, a weight gradient, and an
   * output's nonzero values position by position ({@code count[o]} of them, their channels and
   * values from {@code o·outChannels} on).
   */
  private static final class Part {
    final float[] cols;
    final float[] product;
    final float[] gradient;
    final int[] count;
    final int[] channel;
    final float[] value;
    final float[] image;
    final Gemm.Packed packed = new Gemm.Packed();

    Part(int cols, int product, int gradient, int positions, int image) {
      this.cols = new float[cols];
      this.product = new float[product];
      this.gradient = new float[gradient];
      this.image = new float[image];
      this.count = new int[positions];
      this.channel = new int[product];
      this.value = new float[product];
    }

    /**
     * Lists example {@code n}'s nonzero outputs ({@code oc × positions}, from {@code out[n·oc·positions]})
     * by position; returns how many there are. NaNs count as nonzero.
     */
    int nonzeros(float[] out, int n, int oc, int positions) {
      int from = n * oc * positions;
      int total = 0;
      for (int o = 0; o < positions; o++) {
        int c = 0;
        for (int co = 0, at = o * oc, i = from + o; co < oc; co++, i += positions) {
          float v = out[i];
          channel[at + c] = co;
          value[at + c] = v;
          c += v != 0f ? 1 : 0;
        }
        count[o] = c;
        total += c;
      }
      return total;
    }
  }

  private Work work(ConvGeometry g) {
    return work.computeIfAbsent(g, Work::new);
  }

  /** How many threads a call on {@code batch} examples uses: all (one per example at most) when it is large, else one. */
  private int parts(Work w, int batch) {
    long macs = (long) batch * w.g.outUnits() * w.g.kernelSize();
    return macs >= mtThreshold ? Math.min(workers.threads(), batch) : 1;
  }

  /** Runs {@code body(part, n)} for every example, the examples split over {@code parts} threads. */
  private void forExamples(Work w, int batch, int parts, ExampleBody body) {
    workers.run(parts, p -> {
      Part part = w.part(p);
      for (int n = batch * p / parts, end = batch * (p + 1) / parts; n < end; n++) {
        body.run(part, n);
      }
    });
  }

  @FunctionalInterface
  private interface ExampleBody {
    void run(Part part, int n);
  }

  /** {@code c = a·b} (or {@code aᵀ·b}), {@code c} being {@code m × n}, on the laid-out {@code a} when there is a kernel. */
  private void product(Gemm.Packed packed, float[] a, boolean transA, float[] b, float[] c, int m, int n, int k) {
    java.util.Arrays.fill(c, 0, m * n, 0f);
    if (kernel != null) {
      kernel.gemm(1f, packed, b, c, m, n, k, 0, n);
    } else if (transA) {
      CommonOps_FDRM.multTransA(FMatrixRMaj.wrap(k, m, a), FMatrixRMaj.wrap(k, n, b), FMatrixRMaj.wrap(m, n, c));
    } else {
      CommonOps_FDRM.mult(FMatrixRMaj.wrap(m, k, a), FMatrixRMaj.wrap(k, n, b), FMatrixRMaj.wrap(m, n, c));
    }
  }

  /** {@code op(a)} ({@code m × k}) laid out for the kernel, or null without one. */
  private Gemm.Packed pack(float[] a, boolean transA, int m, int k) {
    if (kernel == null) {
      return null;
    }
    Gemm.Packed packed = kernel.packing(m, k);
    kernel.pack(a, transA, m, k, 0, m, packed);
    return packed;
  }

  void forward(float[] in, int batch, float[] weights, ConvGeometry g, float beta, float[] out) {
    Work w = work(g);
    int oc = g.outChannels();
    int ks = g.kernelSize();
    int units = g.outUnits();
    Gemm.Packed packed = pack(weights, false, oc, ks);
    forExamples(w, batch, parts(w, batch), (part, n) -> {
      w.unfold(in, n, part.cols);
      product(packed, weights, false, part.cols, part.product, oc, w.positions, ks);
      for (int i = 0, o = n * units; i < units; i++, o++) {
        out[o] = beta == 0f ? part.product[i] : beta * out[o] + part.product[i];
      }
    });
  }

  void transpose(float[] out, int batch, float[] weights, ConvGeometry g, float beta, float[] in) {
    Work w = work(g);
    int oc = g.outChannels();
    int ks = g.kernelSize();
    int units = g.outUnits();
    Gemm.Packed packed = pack(weights, true, ks, oc);
    w.arrangeChannelsLast(weights);
    forExamples(w, batch, parts(w, batch), (part, n) -> {
      if (3 * part.nonzeros(out, n, oc, w.positions) <= units) {
        lanes.combineRows(w.channelsLast, ks, part.channel, part.value, part.count, oc, w.positions, part.cols);
        w.foldTransposed(part.cols, part.count, part.image, beta, in, n);
        return;
      }
      System.arraycopy(out, n * units, part.product, 0, units);
      product(packed, weights, true, part.product, part.cols, ks, w.positions, oc);
      w.fold(part.cols, beta, in, n);
    });
  }

  void weightGradient(float[] in, int batch, float[] out, ConvGeometry g, float alpha, float[] weights) {
    Work w = work(g);
    int oc = g.outChannels();
    int ks = g.kernelSize();
    int units = g.outUnits();
    int parts = parts(w, batch);
    for (int p = 0; p < parts; p++) {
      java.util.Arrays.fill(w.part(p).gradient, 0f);
    }
    forExamples(w, batch, parts, (part, n) -> {
      if (kernel != null) {
        // the example's output (oc × P) laid out as the left operand, the patches transposed (P × ks)
        System.arraycopy(out, n * units, part.product, 0, units);
        part.packed.ensure(oc, w.positions);
        kernel.pack(part.product, false, oc, w.positions, 0, oc, part.packed);
        w.unfoldTransposed(in, n, part.cols);
        kernel.gemm(1f, part.packed, part.cols, part.gradient, oc, ks, w.positions, 0, ks);
      } else {
        w.unfold(in, n, part.cols);
        System.arraycopy(out, n * units, part.product, 0, units);
        CommonOps_FDRM.multAddTransB(FMatrixRMaj.wrap(oc, w.positions, part.product),
            FMatrixRMaj.wrap(ks, w.positions, part.cols), FMatrixRMaj.wrap(oc, ks, part.gradient));
      }
    });
    for (int p = 0; p < parts; p++) {
      float[] gradient = w.part(p).gradient;
      for (int i = 0; i < gradient.length; i++) {
        weights[i] += alpha * gradient[i];
      }
    }
  }

  /** Releases the buffers. */
  void close() {
    work.clear();
  }
}
