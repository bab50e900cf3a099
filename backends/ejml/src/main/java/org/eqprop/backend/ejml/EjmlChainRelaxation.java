package org.eqprop.backend.ejml;

import java.util.List;
import org.eqprop.api.tensor.ChainRelaxation;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * {@link ChainRelaxation} for the {@code ejml} backend. Samples are independent under the dynamics,
 * so each thread takes a range of rows and runs every step for a block of four samples before the
 * next block: the block's states stay in the core's cache, each weight loaded serves four samples,
 * and no thread waits for another between steps. Products into a layer at least as wide as its
 * neighbour hold strips of the four outputs in registers over the weight rows; products into a
 * narrower layer run as dot products.
 */
final class EjmlChainRelaxation implements ChainRelaxation {
  /** Below this many multiply-adds a call stays on the calling thread. */
  private static final long PARALLEL_WORK = 200_000L;

  private final EjmlBackend backend;
  private final Lanes lanes;
  private final Workers workers;
  private float[][] transposed = new float[0][];

  EjmlChainRelaxation(EjmlBackend backend, Lanes lanes, Workers workers) {
    this.backend = backend;
    this.lanes = lanes;
    this.workers = workers;
  }

  @Override
  public void relax(
      Tensor drive,
      List<Tensor> weights,
      List<Tensor> biases,
      Tensor target,
      float beta,
      float eps,
      List<Tensor> layers,
      int steps) {
    int depth = layers.size();
    if (depth == 0 || weights.size() != depth - 1 || biases.size() != depth) {
      throw new IllegalArgumentException(
          "chain-relaxation: " + depth + " layers need " + Math.max(depth - 1, 0)
              + " weight matrices and " + depth + " bias vectors, got " + weights.size()
              + " and " + biases.size());
    }
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (beta != 0f && target == null) {
      throw new IllegalArgumentException("a nudged phase (beta != 0) needs a target");
    }
    int batch = drive.rows();
    int[] n = new int[depth];
    float[][] s = new float[depth][];
    float[][] b = new float[depth][];
    float[][] w = new float[depth][];
    for (int k = 0; k < depth; k++) {
      n[k] = layers.get(k).cols();
      Shapes.requireShape("chain-relaxation layer " + (k + 1), layers.get(k), batch, n[k]);
      Shapes.requireShape("chain-relaxation b" + (k + 1), biases.get(k), 1, n[k]);
      s[k] = backend.data(layers.get(k));
      b[k] = backend.data(biases.get(k));
      if (k > 0) {
        Shapes.requireShape("chain-relaxation W" + (k + 1), weights.get(k - 1), n[k - 1], n[k]);
        w[k] = backend.data(weights.get(k - 1));
      }
    }
    Shapes.requireShape("chain-relaxation drive", drive, batch, n[0]);
    if (beta != 0f) {
      Shapes.requireShape("chain-relaxation target", target, batch, n[depth - 1]);
    }
    float[][] wt = transposes(w, n);
    float[] x = backend.data(drive);
    float[] y = beta != 0f ? backend.data(target) : null;

    long work = 0;
    for (int k = 1; k < depth; k++) {
      work += 2L * n[k - 1] * n[k];
    }
    work *= (long) batch * steps;
    int parts = work >= PARALLEL_WORK ? Math.min(workers.threads(), batch) : 1;
    workers.run(
        parts,
        part -> {
          Block block = new Block(n, s, b, w, wt, x, y, beta, eps);
          int end = (part + 1) * batch / parts;
          for (int i = part * batch / parts; i < end; i += Lanes.BLOCK) {
            block.relax(i, Math.min(Lanes.BLOCK, end - i), steps);
          }
        });
  }

  /** {@code Wᵀ} of every weight, in arrays kept between calls. */
  private float[][] transposes(float[][] w, int[] n) {
    if (transposed.length != w.length) {
      transposed = new float[w.length][];
    }
    for (int k = 1; k < w.length; k++) {
      int rows = n[k - 1], cols = n[k];
      float[] t = transposed[k];
      if (t == null || t.length != rows * cols) {
        t = transposed[k] = new float[rows * cols];
      }
      float[] src = w[k];
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          t[c * rows + r] = src[r * cols + c];
        }
      }
    }
    return transposed;
  }

  /** One thread's work arrays and the relaxation of a block of up to {@link Lanes#BLOCK} samples. */
  private final class Block {
    private final int[] n;
    private final float[][] s, b, w, wt;
    private final float[] x, y;
    private final float beta, eps;
    private final float[][] rho, pre;

    Block(int[] n, float[][] s, float[][] b, float[][] w, float[][] wt, float[] x, float[] y,
        float beta, float eps) {
      this.n = n;
      this.s = s;
      this.b = b;
      this.w = w;
      this.wt = wt;
      this.x = x;
      this.y = y;
      this.beta = beta;
      this.eps = eps;
      rho = new float[n.length][];
      pre = new float[n.length][];
      for (int k = 0; k < n.length; k++) {
        rho[k] = new float[Lanes.BLOCK * n[k]];
        pre[k] = new float[Lanes.BLOCK * n[k]];
      }
    }

    /** Relaxes samples {@code i … i+count−1}; the block's unused slots compute on zeros. */
    void relax(int i, int count, int steps) {
      int last = n.length - 1;
      for (int k = 0; k <= last; k++) {
        java.util.Arrays.fill(rho[k], 0f);
      }
      for (int t = 0; t < steps; t++) {
        for (int k = 0; k <= last; k++) {
          for (int r = 0; r < count; r++) {
            lanes.clip01(s[k], (i + r) * n[k], rho[k], r * n[k], n[k]);
          }
        }
        for (int k = 0; k <= last; k++) {
          float[] p = pre[k];
          for (int r = 0; r < Lanes.BLOCK; r++) {
            System.arraycopy(b[k], 0, p, r * n[k], n[k]);
          }
          if (k == 0) {
            for (int r = 0; r < count; r++) {
              lanes.axpy(1f, x, (i + r) * n[0], p, r * n[0], n[0]);
            }
          } else {
            // ρ(s_{k−1})·W_k: W_k is n_{k−1} × n_k
            product(rho[k - 1], w[k], wt[k], n[k - 1], n[k], p);
          }
          if (k < last) {
            // ρ(s_{k+1})·W_{k+1}ᵀ: W_{k+1}ᵀ is n_{k+1} × n_k
            product(rho[k + 1], wt[k + 1], w[k + 1], n[k + 1], n[k], p);
          }
        }
        for (int k = 0; k <= last; k++) {
          boolean nudged = k == last && beta != 0f;
          for (int r = 0; r < count; r++) {
            int o = (i + r) * n[k];
            lanes.step(s[k], o, pre[k], r * n[k], nudged ? y : null, o, beta, eps, n[k]);
          }
        }
      }
    }

    /**
     * {@code out_r += v_r·m} for the block's samples, {@code m} being {@code rows × cols} and
     * {@code mt} its transpose: strips of {@code out} held over the rows of {@code m} where {@code
     * out} is wide enough to fill vectors, else dot products with the rows of {@code mt}.
     */
    private void product(float[] v, float[] m, float[] mt, int rows, int cols, float[] out) {
      if (cols >= rows || cols >= 64) {
        lanes.rowsTimes(v, m, rows, cols, out);
      } else {
        lanes.dots(v, mt, rows, cols, out);
      }
    }
  }
}
