package org.eqprop.backend.ejml;

import java.util.List;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainContrast;

/**
 * {@link ChainContrast} for the {@code ejml} backend on the {@link Gemm} kernel, in two hand-overs
 * to the threads where the composed energy's update takes a dozen operations (a clip per state and
 * layer, a difference, a product per weight matrix and state, a column sum and an axpy per bias).
 * First each thread takes a range of every layer's units (whole vectors): it clips the two states'
 * columns ({@code ρ(a_k)}, {@code ρ(b_k)}, and {@code ρ(a₁) − ρ(b₁)} for the first layer), adds the
 * bias contrast, and lays out for the products the rows of the transposed operands that are those
 * units, so no thread waits for another. Then each thread takes a range of every product's columns:
 * {@code W₁ += w₁·ρ(x)ᵀ(ρ(a₁) − ρ(b₁))}, and for {@code k ≥ 2} {@code W_k += w_k·ρ(a_{k−1})ᵀρ(a_k)},
 * then {@code W_k −= w_k·ρ(b_{k−1})ᵀρ(b_k)}. A layer narrower than one column block and fed by a
 * wide one (the ten outputs) is turned round as {@link EjmlBackend#gemm} does: {@code ρ(a_k)ᵀρ(a_{k−1})},
 * whose columns are the wide layer's units, added back transposed. Every sum runs in the order
 * of the composed energy's operations on this backend, so the results are the same to the bit.
 */
final class EjmlChainContrast implements ChainContrast {
  /** Below this many multiply-adds, all layers together, the update stays on the calling thread. */
  private static final long PARALLEL_WORK = 50_000L;

  private final EjmlBackend backend;
  private final Gemm kernel;
  private final Lanes lanes;
  private final Workers workers;
  /** Per layer {@code k ≥ 1}: {@code ρ(a_k)} and {@code ρ(b_k)} ({@code batch × n_k}); index 0 unused. */
  private float[][] rhoA = new float[0][];
  private float[][] rhoB = new float[0][];
  /** {@code ρ(a₁) − ρ(b₁)}. */
  private float[] diff = new float[0];
  /** Per layer: the layouts of the products' transposed operands (the first state's, the second's). */
  private Gemm.Packed[] packedA = new Gemm.Packed[0];
  private Gemm.Packed[] packedB = new Gemm.Packed[0];
  /** Per layer turned round: its products, {@code n_k × n_{k−1}}. */
  private float[][] turnedA = new float[0][];
  private float[][] turnedB = new float[0][];
  /** Per layer, the bias contrast's column sums (each thread writes its own units). */
  private float[][] sums = new float[0][];

  EjmlChainContrast(EjmlBackend backend, Gemm kernel, Lanes lanes, Workers workers) {
    this.backend = backend;
    this.kernel = kernel;
    this.lanes = lanes;
    this.workers = workers;
  }

  @Override
  public void add(Tensor rhoX, List<Tensor> a, List<Tensor> b, float[] weightScales, float[] biasScales,
      List<Tensor> weights, List<Tensor> biases) {
    int[] n = ChainContrast.check(rhoX, a, b, weightScales, biasScales, weights, biases);
    int depth = n.length - 1;
    int batch = rhoX.rows();
    int block = kernel.columnBlock();
    boolean[] narrow = new boolean[depth + 1];
    long work = 0;
    for (int k = 1; k <= depth; k++) {
      narrow[k] = EjmlBackend.turnedRound(n[k - 1], n[k], block);
      work += (long) n[k - 1] * n[k] * batch * (k == 1 ? 1 : 2);
    }
    ensure(n, batch, narrow);
    float[] x = backend.data(rhoX);
    float[][] sa = new float[depth + 1][];
    float[][] sb = new float[depth + 1][];
    float[][] w = new float[depth + 1][];
    float[][] bias = new float[depth + 1][];
    for (int k = 1; k <= depth; k++) {
      sa[k] = backend.data(a.get(k - 1));
      sb[k] = backend.data(b.get(k - 1));
      w[k] = backend.data(weights.get(k - 1));
      bias[k] = backend.data(biases.get(k - 1));
    }
    int parts = work >= PARALLEL_WORK ? workers.threads() : 1;
    // whole vectors (as the backend's axpy splits the biases) and whole blocks of 8 rows to lay out
    int units = Math.max(8, lanes.block());
    workers.run(parts, p -> {
      for (int k = 1; k <= depth; k++) {
        operands(k, batch, n[k], split(n[k], p, parts, units), split(n[k], p + 1, parts, units), sa[k], sb[k],
            biasScales[k - 1], bias[k]);
      }
      for (int k = 1; k <= depth; k++) {
        // the rows of op(a) are the units of layer k (turned round) or of layer k − 1
        int rows = narrow[k] ? n[k] : n[k - 1];
        int i0 = split(rows, p, parts, units), i1 = split(rows, p + 1, parts, units);
        float[] opA = k == 1 ? (narrow[k] ? diff : x) : (narrow[k] ? rhoA[k] : rhoA[k - 1]);
        kernel.pack(opA, true, rows, batch, i0, i1, packedA[k]);
        if (k > 1) {
          kernel.pack(narrow[k] ? rhoB[k] : rhoB[k - 1], true, rows, batch, i0, i1, packedB[k]);
        }
      }
    });
    workers.run(parts, p -> {
      for (int k = 1; k <= depth; k++) {
        int m = n[k - 1], cols = n[k];
        float scale = weightScales[k - 1];
        if (!narrow[k]) {
          int j0 = split(cols, p, parts, block), j1 = split(cols, p + 1, parts, block);
          if (j0 < j1) {
            kernel.gemm(scale, packedA[k], k == 1 ? diff : rhoA[k], w[k], m, cols, batch, j0, j1);
            if (k > 1) {
              kernel.gemm(-scale, packedB[k], rhoB[k], w[k], m, cols, batch, j0, j1);
            }
          }
        } else {
          int i0 = split(m, p, parts, block), i1 = split(m, p + 1, parts, block);
          if (i0 < i1) {
            turned(packedA[k], k == 1 ? x : rhoA[k - 1], turnedA[k], m, cols, batch, scale, w[k], i0, i1);
            if (k > 1) {
              turned(packedB[k], rhoB[k - 1], turnedB[k], m, cols, batch, -scale, w[k], i0, i1);
            }
          }
        }
      }
    });
  }

  /**
   * Rows {@code i0 … i1−1} of a layer's weights {@code wk} ({@code m × cols}) whose product is
   * turned round: {@code t = op(a)·below} ({@code cols × m}, this thread's columns of it, {@code
   * op(a)} laid out in {@code packed}), then {@code wk[i][j] += scale·t[j][i]}.
   */
  private void turned(Gemm.Packed packed, float[] below, float[] t, int m, int cols, int batch, float scale,
      float[] wk, int i0, int i1) {
    for (int j = 0; j < cols; j++) {
      java.util.Arrays.fill(t, j * m + i0, j * m + i1, 0f);
    }
    kernel.gemm(1f, packed, below, t, cols, m, batch, i0, i1);
    EjmlBackend.addTransposed(scale, t, m, cols, wk, i0, i1);
  }

  /**
   * The start of part {@code p} of {@code parts} over {@code size} items, in whole multiples of
   * {@code align} ({@code size} itself for {@code p = parts}).
   */
  private static int split(int size, int p, int parts, int align) {
    int chunk = ((size + align - 1) / align + parts - 1) / parts * align;
    return Math.min(size, p * chunk);
  }

  /**
   * Units {@code u0 … u1−1} of layer {@code k} ({@code cols} units): their columns of {@code ρ(a_k)}
   * and {@code ρ(b_k)} (for the first layer, of their difference), row by row; and the bias contrast
   * {@code c·Σ_rows(ρ(a) − ρ(b))} added to theirs.
   */
  private void operands(int k, int batch, int cols, int u0, int u1, float[] a, float[] b, float c, float[] bias) {
    float[] sum = sums[k];
    java.util.Arrays.fill(sum, u0, u1, 0f);
    for (int s = 0; s < batch; s++) {
      int o = s * cols + u0;
      lanes.contrastRow(a, b, o, u1 - u0, sum, u0, rhoA[k], rhoB[k], k == 1 ? diff : null);
    }
    lanes.axpy(c, sum, u0, bias, u0, u1 - u0);
  }

  /**
   * Work arrays for layers of {@code n} units and a batch ({@code narrow}: which layers' products
   * are turned round), grown as needed and kept between calls.
   */
  private void ensure(int[] n, int batch, boolean[] narrow) {
    int depth = n.length - 1;
    if (rhoA.length < depth + 1) {
      rhoA = java.util.Arrays.copyOf(rhoA, depth + 1);
      rhoB = java.util.Arrays.copyOf(rhoB, depth + 1);
      turnedA = java.util.Arrays.copyOf(turnedA, depth + 1);
      turnedB = java.util.Arrays.copyOf(turnedB, depth + 1);
      sums = java.util.Arrays.copyOf(sums, depth + 1);
      int from = packedA.length;
      packedA = java.util.Arrays.copyOf(packedA, depth + 1);
      packedB = java.util.Arrays.copyOf(packedB, depth + 1);
      for (int k = from; k <= depth; k++) {
        packedA[k] = new Gemm.Packed();
        packedB[k] = new Gemm.Packed();
      }
    }
    diff = grow(diff, batch * n[1]);
    for (int k = 1; k <= depth; k++) {
      rhoA[k] = grow(rhoA[k], batch * n[k]);
      rhoB[k] = grow(rhoB[k], batch * n[k]);
      int rows = narrow[k] ? n[k] : n[k - 1];
      packedA[k].ensure(rows, batch);
      if (k > 1) {
        packedB[k].ensure(rows, batch);
      }
      turnedA[k] = grow(turnedA[k], narrow[k] ? n[k] * n[k - 1] : 0);
      turnedB[k] = grow(turnedB[k], narrow[k] && k > 1 ? n[k] * n[k - 1] : 0);
      sums[k] = grow(sums[k], n[k]);
    }
  }

  private static float[] grow(float[] buffer, int size) {
    return buffer != null && buffer.length >= size ? buffer : new float[size];
  }
}
