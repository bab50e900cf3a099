package org.eqprop.backend.ejml;

import java.util.List;
import org.eqprop.api.tensor.ChainRelaxation;
import org.eqprop.api.tensor.Tensor;

/**
 * {@link ChainRelaxation} for the {@code ejml} backend. Samples are independent under the dynamics,
 * so each thread takes a range of rows and runs every step for a block of five samples before the
 * next block: the block's states stay in the core's cache, each weight loaded serves five samples,
 * and no thread waits for another between steps. Each product holds strips of the five outputs in
 * registers over the rows of a weight matrix whose rows are padded to whole vectors, so narrow
 * layers (the 10 outputs) cost one vector per row and need no horizontal sums.
 */
final class EjmlChainRelaxation implements ChainRelaxation {
  /** Below this many multiply-adds a call stays on the calling thread. */
  private static final long PARALLEL_WORK = 200_000L;

  private final EjmlBackend backend;
  private final Lanes lanes;
  private final Workers workers;
  private float[][] downCache = new float[0][];
  private float[][] upCache = new float[0][];

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
    int[] n = ChainRelaxation.check(drive, weights, biases, target, beta, layers, steps);
    float[] y = beta != 0f ? backend.data(target) : null;
    forBlocks(n, drive, weights, biases, layers, true, 2L * steps,
        block -> (i, count) -> block.relax(i, count, steps, y, beta, eps));
  }

  @Override
  public void energy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, Tensor out) {
    int[] n = ChainRelaxation.checkEnergy(drive, weights, biases, layers, out);
    float[] e = backend.data(out);
    forBlocks(n, drive, weights, biases, layers, false, 1L, block -> (i, count) -> block.energy(i, count, e));
  }

  /** Work on the samples {@code i … i+count−1}, {@code count ≤} {@link Lanes#BLOCK}. */
  private interface BlockTask {
    void run(int i, int count);
  }

  /**
   * Runs {@code task} over the batch in blocks of {@link Lanes#BLOCK} samples, each thread on a
   * range of rows with a {@link Block} of its own.
   *
   * @param withUp whether the blocks need the transposed weights (the relaxation does)
   * @param passes products per weight matrix and sample, to size the work
   */
  private void forBlocks(int[] n, Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers,
      boolean withUp, long passes, java.util.function.Function<Block, BlockTask> task) {
    int depth = n.length;
    int batch = drive.rows();
    float[][] s = new float[depth][];
    float[][] b = new float[depth][];
    float[][] w = new float[depth][];
    for (int k = 0; k < depth; k++) {
      s[k] = backend.data(layers.get(k));
      b[k] = backend.data(biases.get(k));
      if (k > 0) {
        w[k] = backend.data(weights.get(k - 1));
      }
    }
    if (downCache.length != depth + 1) {
      downCache = new float[depth + 1][];
      upCache = new float[depth + 1][];
    }
    int[] np = new int[depth];
    for (int k = 0; k < depth; k++) {
      np[k] = lanes.padded(n[k]);
    }
    float[][] down = new float[depth][];
    float[][] up = new float[depth][];
    for (int k = 1; k < depth; k++) {
      down[k] = pad(k, false, w[k], n[k - 1], n[k], np[k]);
      if (withUp) {
        up[k - 1] = pad(k, true, w[k], n[k - 1], n[k], np[k - 1]);
      }
    }
    float[] x = backend.data(drive);

    long work = 0;
    for (int k = 1; k < depth; k++) {
      work += (long) n[k - 1] * n[k];
    }
    work *= batch * passes;
    int parts = work >= PARALLEL_WORK ? Math.min(workers.threads(), batch) : 1;
    workers.run(
        parts,
        part -> {
          BlockTask t = task.apply(new Block(n, np, s, b, down, up, x));
          int end = (part + 1) * batch / parts;
          for (int i = part * batch / parts; i < end; i += Lanes.BLOCK) {
            t.run(i, Math.min(Lanes.BLOCK, end - i));
          }
        });
  }

  /**
   * {@code W} ({@code rows × cols}) or, with {@code transpose}, {@code Wᵀ}, its rows padded with
   * zeros to {@code stride} columns, in an array kept between calls.
   */
  private float[] pad(int k, boolean transpose, float[] w, int rows, int cols, int stride) {
    float[][] cache = transpose ? upCache : downCache;
    int outRows = transpose ? cols : rows;
    int outCols = transpose ? rows : cols;
    float[] t = cache[k];
    if (t == null || t.length != outRows * stride) {
      t = cache[k] = new float[outRows * stride];
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        if (transpose) {
          t[c * stride + r] = w[r * cols + c];
        } else {
          t[r * stride + c] = w[r * cols + c];
        }
      }
    }
    for (int r = 0; r < outRows; r++) {
      java.util.Arrays.fill(t, r * stride + outCols, (r + 1) * stride, 0f);
    }
    return t;
  }

  /** One thread's work arrays, and the relaxation and energy of a block of up to {@link Lanes#BLOCK} samples. */
  private final class Block {
    private final int[] n, np;
    private final float[][] s, b, down, up;
    private final float[] x;
    private final float[][] rho, pre, base;

    Block(int[] n, int[] np, float[][] s, float[][] b, float[][] down, float[][] up, float[] x) {
      this.n = n;
      this.np = np;
      this.s = s;
      this.b = b;
      this.down = down;
      this.up = up;
      this.x = x;
      rho = new float[n.length][];
      pre = new float[n.length][];
      base = new float[n.length][];
      for (int k = 0; k < n.length; k++) {
        rho[k] = new float[Lanes.BLOCK * n[k]];
        pre[k] = new float[Lanes.BLOCK * np[k]];
        base[k] = new float[Lanes.BLOCK * np[k]];
      }
    }

    /**
     * Loads samples {@code i … i+count−1}: {@code ρ(s_k)}, and what {@code p_k} starts from, {@code
     * b_k} plus the input's drive for the first layer. The block's unused slots hold zeros.
     */
    private void load(int i, int count) {
      for (int k = 0; k < n.length; k++) {
        java.util.Arrays.fill(base[k], 0f);
        java.util.Arrays.fill(rho[k], 0f);
        for (int r = 0; r < Lanes.BLOCK; r++) {
          System.arraycopy(b[k], 0, base[k], r * np[k], n[k]);
        }
        for (int r = 0; r < count; r++) {
          if (k == 0) {
            lanes.axpy(1f, x, (i + r) * n[0], base[0], r * np[0], n[0]);
          }
          lanes.clip01(s[k], (i + r) * n[k], rho[k], r * n[k], n[k]);
        }
      }
    }

    /** {@code pre_k = base_k + ρ(s_{k−1})·W_k}, and with {@code up} also {@code + ρ(s_{k+1})·W_{k+1}ᵀ}. */
    private void inputs(boolean withUp) {
      int last = n.length - 1;
      for (int k = 0; k <= last; k++) {
        float[] p = pre[k];
        System.arraycopy(base[k], 0, p, 0, p.length);
        if (k > 0) {
          lanes.rowsTimes(rho[k - 1], down[k], n[k - 1], np[k], p);
        }
        if (withUp && k < last) {
          lanes.rowsTimes(rho[k + 1], up[k], n[k + 1], np[k], p);
        }
      }
    }

    /** Relaxes samples {@code i … i+count−1} for {@code steps} steps. */
    void relax(int i, int count, int steps, float[] y, float beta, float eps) {
      load(i, count);
      int last = n.length - 1;
      for (int t = 0; t < steps; t++) {
        // p_k = b_k + (drive or ρ(s_{k−1})·W_k) + ρ(s_{k+1})·W_{k+1}ᵀ, rows padded to np[k]
        inputs(true);
        for (int k = 0; k <= last; k++) {
          boolean nudged = k == last && beta != 0f;
          for (int r = 0; r < count; r++) {
            int o = (i + r) * n[k];
            // after the first step the state is in [0, 1] and the step writes ρ(s) = s itself
            lanes.step(s[k], o, rho[k], r * n[k], pre[k], r * np[k], nudged ? y : null, o, beta, eps, n[k]);
          }
        }
      }
    }

    /**
     * The energy of samples {@code i … i+count−1} into {@code out}: per layer {@code Σ ½s² − ρ(s)·p}
     * with {@code p} the input from below and the bias, which counts every pair's term once.
     */
    void energy(int i, int count, float[] out) {
      load(i, count);
      inputs(false);
      for (int r = 0; r < count; r++) {
        float e = 0f;
        for (int k = 0; k < n.length; k++) {
          e += lanes.energy(s[k], (i + r) * n[k], pre[k], r * np[k], n[k]);
        }
        out[i + r] = e;
      }
    }
  }
}
