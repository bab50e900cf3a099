package org.eqprop.backend.ejml;

import java.util.List;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.api.tensor.Tensor;

/**
 * {@link ChainRelaxation} for the {@code ejml} backend. Samples are independent under the dynamics,
 * so the batch is cut into blocks of {@link Lanes#block()} samples (one per vector lane), each
 * thread takes a range of blocks and runs every step for a block before the next: the block's
 * states stay in the core's cache, and each weight, broadcast once, serves every sample of the
 * block. A block holds its layers unit by unit, the samples side by side, so a narrow layer (the
 * ten outputs) costs about a vector per unit and row of weights, and nothing needs a horizontal sum.
 * After the first step every state lies in {@code [0, 1]} and equals its {@code ρ}, so a step reads
 * one array per layer and writes one. Between the steps that sum a layer's inputs afresh (every
 * {@value #FULL_SUM_EVERY}th), a step adds to the last step's inputs the products of the change in
 * {@code ρ} only: once a relaxation settles, most units of a block are clipped and unchanged in
 * every sample, and their weight rows are skipped (docs/benchmarks.md has the fractions).
 */
final class EjmlChainRelaxation implements ChainRelaxation, ChainPhases {
  /**
   * Below this many multiply-adds a call stays on the calling thread. Filling a block costs about
   * as much as a step's products, so even the energy of a batch of 20 (two blocks, 100,000
   * multiply-adds) gains from two threads: 31.5 → 24 µs.
   */
  private static final long PARALLEL_WORK = 50_000L;
  /**
   * Every this many steps the relaxation sums a layer's inputs afresh; in between it adds to the
   * last step's the products of what changed, which rounding makes drift from the full sum.
   */
  private static final int FULL_SUM_EVERY = 20;
  /** {@link #changesPay}'s least number of rows. */
  private static final int CHANGED_ROWS = 48;
  /** What {@link Lanes#inputs} reads for a product a layer lacks (with 0 rows). */
  private static final float[] NONE = new float[0];

  private final EjmlBackend backend;
  private final Lanes lanes;
  private final Workers workers;
  private float[][] downCache = new float[0][];
  private float[][] upCache = new float[0][];
  /** The weights each layout in {@code downCache} / {@code upCache} was made from, and their row count. */
  private float[][] downSource = new float[0][];
  private float[][] upSource = new float[0][];
  /** Each thread's work arrays, kept between calls on layers of the same sizes. */
  private Block[] blockCache = new Block[0];

  EjmlChainRelaxation(EjmlBackend backend, Lanes lanes, Workers workers) {
    this.backend = backend;
    this.lanes = lanes;
    this.workers = workers;
  }

  /**
   * Whether adding the products of what changed pays for a layer of {@code cols} (padded) units
   * whose inputs come from {@code rows} units: only where {@link Lanes#inputs} skips the rows that
   * did not change, and there are enough of them to matter. {@code paper-1h}'s two layers (500 units
   * fed by 10, 10 fed by 500) sum afresh; {@code paper-2h}'s hidden layers (500 units fed by 500 and
   * by 510) add the changes.
   */
  private boolean changesPay(int cols, int rows) {
    return lanes.skipsZeroRows(cols) && rows >= CHANGED_ROWS;
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

  /**
   * Both phases with the energy and classes between them, block by block: each block of samples is
   * filled once for the three, where the calls one by one fill it three times (free phase, energy,
   * nudged phase).
   */
  @Override
  public boolean run(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      float eps, List<Tensor> free, List<Tensor> nudged, int freeSteps, int nudgedSteps, boolean fromZeros,
      Tensor energy, Tensor classes) {
    int[] n = ChainPhases.check(drive, weights, biases, target, beta, free, nudged, freeSteps, nudgedSteps, energy,
        classes);
    float[] y = beta != 0f ? backend.data(target) : null;
    float[][] out = new float[n.length][];
    for (int k = 0; k < n.length; k++) {
      out[k] = backend.data(nudged.get(k));
    }
    float[] e = backend.data(energy);
    float[] c = backend.data(classes);
    forBlocks(n, drive, weights, biases, free, true, 2L * (freeSteps + nudgedSteps) + 1,
        block -> (i, count) -> block.phases(i, count, fromZeros, freeSteps, nudgedSteps, y, beta, eps, out, e, c));
    return true;
  }

  @Override
  public void energy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, Tensor out) {
    int[] n = ChainRelaxation.checkEnergy(drive, weights, biases, layers, out);
    float[] e = backend.data(out);
    forBlocks(n, drive, weights, biases, layers, false, 1L, block -> (i, count) -> block.energy(i, count, e));
  }

  /** Work on the samples {@code i … i+count−1}, {@code count ≤} {@link Lanes#block()}. */
  private interface BlockTask {
    void run(int i, int count);
  }

  /**
   * Runs {@code task} over the batch in blocks of {@link Lanes#block()} samples, each thread on a
   * range of blocks with a {@link Block} of its own.
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
      downSource = new float[depth + 1][];
      upSource = new float[depth + 1][];
    }
    int[] np = new int[depth];
    for (int k = 0; k < depth; k++) {
      np[k] = lanes.padded(n[k]);
    }
    float[][] down = new float[depth][];
    float[][] up = new float[depth][];
    for (int k = 1; k < depth; k++) {
      down[k] = arranged(k, false, w[k], n[k - 1], n[k]);
      if (withUp) {
        up[k - 1] = arranged(k, true, w[k], n[k - 1], n[k]);
      }
    }
    float[] x = backend.data(drive);

    long work = 0;
    for (int k = 1; k < depth; k++) {
      work += (long) n[k - 1] * n[k];
    }
    work *= batch * passes;
    int size = lanes.block();
    int blocks = (batch + size - 1) / size;
    int parts = work >= PARALLEL_WORK ? Math.min(workers.threads(), blocks) : 1;
    if (blockCache.length < parts) {
      blockCache = java.util.Arrays.copyOf(blockCache, parts);
    }
    for (int part = 0; part < parts; part++) {
      if (blockCache[part] == null || !java.util.Arrays.equals(blockCache[part].n, n)) {
        blockCache[part] = new Block(n, np);
      }
      blockCache[part].bind(s, b, down, up, x);
    }
    Block[] bound = blockCache;
    workers.run(
        parts,
        part -> {
          BlockTask t = task.apply(bound[part]);
          for (int k = part * blocks / parts, end = (part + 1) * blocks / parts; k < end; k++) {
            t.run(k * size, Math.min(size, batch - k * size));
          }
        });
  }

  /**
   * {@code W} ({@code rows × cols}) or, with {@code transpose}, {@code Wᵀ}, {@link Lanes#arrange}d
   * into an array kept between calls, and laid out again only when {@code W} differs from the copy
   * kept of it: a training step relaxes twice and takes the energy with the same weights.
   */
  private float[] arranged(int k, boolean transpose, float[] w, int rows, int cols) {
    float[][] cache = transpose ? upCache : downCache;
    float[][] source = transpose ? upSource : downSource;
    int size = (transpose ? cols : rows) * lanes.padded(transpose ? rows : cols);
    int n = rows * cols;
    float[] t = cache[k];
    float[] was = source[k];
    if (t != null && t.length == size && was != null && was.length == n + 1 && was[n] == rows
        && java.util.Arrays.equals(was, 0, n, w, 0, n)) {
      return t;
    }
    if (t == null || t.length != size) {
      t = cache[k] = new float[size];
    }
    lanes.arrange(w, rows, cols, transpose, t);
    if (was == null || was.length != n + 1) {
      was = source[k] = new float[n + 1];
    }
    System.arraycopy(w, 0, was, 0, n);
    was[n] = rows;
    return t;
  }

  /**
   * One thread's work arrays, and the relaxation and energy of a block of up to {@link Lanes#block()}
   * samples, unit by unit ({@code [j·B + r]} for unit {@code j} of sample {@code r}), each layer padded
   * to {@link Lanes#padded} units: a padded unit has no weights and no bias, so its state stays 0.
   * The lanes of a block past the batch's end repeat its last sample and are not written back. The
   * block keeps {@code ρ(s)} twice, the one a step reads and the one it writes.
   */
  private final class Block {
    private final int[] n, np;
    private final int size;
    private final float[][] state, base, pre, delta;
    private final float[] target, energy;
    /** Per layer, whether a step adds only the products of what changed (see {@link #changesPay}). */
    private final boolean[] changesPay;
    private float[][] rho, next;
    private float[][] s, b, down, up;
    private float[] x;

    Block(int[] n, int[] np) {
      this.n = n.clone();
      this.np = np;
      size = lanes.block();
      int depth = n.length;
      state = new float[depth][];
      base = new float[depth][];
      pre = new float[depth][];
      delta = new float[depth][];
      rho = new float[depth][];
      next = new float[depth][];
      for (int k = 0; k < depth; k++) {
        state[k] = new float[size * np[k]];
        base[k] = new float[size * np[k]];
        pre[k] = new float[size * np[k]];
        delta[k] = new float[size * np[k]];
        rho[k] = new float[size * np[k]];
        next[k] = new float[size * np[k]];
      }
      changesPay = new boolean[depth];
      for (int k = 0; k < depth; k++) {
        int rows = (k > 0 ? n[k - 1] : 0) + (k + 1 < depth ? n[k + 1] : 0);
        changesPay[k] = changesPay(np[k], rows);
      }
      target = new float[size * np[depth - 1]];
      energy = new float[size];
    }

    /** The call's layers, biases, padded weights and drive. */
    void bind(float[][] s, float[][] b, float[][] down, float[][] up, float[] x) {
      this.s = s;
      this.b = b;
      this.down = down;
      this.up = up;
      this.x = x;
    }

    /**
     * Loads samples {@code i … i+count−1}: their states, {@code ρ(s_k)}, and what {@code p_k} starts
     * from, {@code b_k} plus the input's drive for the first layer.
     */
    private void load(int i, int count) {
      load(i, count, false);
    }

    /** {@link #load(int, int)}, with the states 0 instead of the layers' where {@code zeros}. */
    private void load(int i, int count, boolean zeros) {
      for (int k = 0; k < n.length; k++) {
        if (zeros) {
          java.util.Arrays.fill(state[k], 0f);
        } else {
          lanes.gather(s[k], i, count, n[k], state[k]);
        }
        lanes.clip01(state[k], rho[k], state[k].length);
        if (k == 0) {
          lanes.gather(x, i, count, n[0], base[0]);
        } else {
          java.util.Arrays.fill(base[k], 0f);
        }
        lanes.addPerUnit(b[k], n[k], base[k]);
      }
    }

    /** Relaxes samples {@code i … i+count−1} for {@code steps} steps, nudged towards {@code y} when given. */
    void relax(int i, int count, int steps, float[] y, float beta, float eps) {
      load(i, count);
      steps(i, count, steps, y, beta, eps);
      for (int k = 0; k < n.length && steps > 0; k++) {
        lanes.scatter(rho[k], n[k], s[k], i, count);
      }
    }

    /**
     * {@link ChainPhases#run} on samples {@code i … i+count−1}: the free phase from the block as
     * loaded, the free layers written back, the energy and class of each sample, then the nudged
     * phase from the free fixed point, written to {@code out}.
     */
    void phases(int i, int count, boolean fromZeros, int freeSteps, int nudgedSteps, float[] y, float beta,
        float eps, float[][] out, float[] e, float[] classes) {
      load(i, count, fromZeros);
      steps(i, count, freeSteps, null, 0f, eps);
      for (int k = 0; k < n.length; k++) {
        if (freeSteps > 0) {
          System.arraycopy(rho[k], 0, state[k], 0, state[k].length);
        }
        lanes.scatter(state[k], n[k], s[k], i, count);
      }
      energyOfLoaded(i, count, e);
      int last = n.length - 1;
      for (int r = 0; r < count; r++) {
        int best = 0;
        for (int j = 1; j < n[last]; j++) {
          if (state[last][j * size + r] > state[last][best * size + r]) {
            best = j;
          }
        }
        classes[i + r] = best;
      }
      steps(i, count, nudgedSteps, y, beta, eps);
      for (int k = 0; k < n.length; k++) {
        lanes.scatter(nudgedSteps > 0 ? rho[k] : state[k], n[k], out[k], i, count);
      }
    }

    /**
     * {@code steps} steps of the dynamics on the block as loaded ({@code state}, {@code ρ} and the
     * base), nudged towards {@code y} (samples {@code i …}) when given; leaves the states in {@code ρ}.
     */
    private void steps(int i, int count, int steps, float[] y, float beta, float eps) {
      int last = n.length - 1;
      boolean nudged = y != null;
      if (nudged) {
        lanes.gather(y, i, count, n[last], target);
      }
      for (int t = 0; t < steps; t++) {
        // every layer's input from the previous step's ρ: p_k = b_k + (drive or ρ(s_{k−1})·W_k)
        // + ρ(s_{k+1})·W_{k+1}ᵀ, kept in pre; between full sums, pre plus the products of the change
        // in ρ since the last step; after the first step every state lies in [0, 1] and equals its ρ
        boolean full = t % FULL_SUM_EVERY == 0;
        boolean changesNext = t + 1 < steps && (t + 1) % FULL_SUM_EVERY != 0;
        for (int k = 0; k <= last; k++) {
          float[] goal = k == last && nudged ? target : null;
          float[][] v = full || !changesPay[k] ? rho : delta;
          lanes.inputs(v == rho ? base[k] : pre[k], k > 0 ? v[k - 1] : NONE, k > 0 ? down[k] : NONE,
              k > 0 ? n[k - 1] : 0, k < last ? v[k + 1] : NONE, k < last ? up[k] : NONE, k < last ? n[k + 1] : 0,
              np[k], next[k], changesNext && changesPay[k] ? pre[k] : null, t > 0 ? rho[k] : null, goal, beta, eps);
          if (t == 0) {
            lanes.step(state[k], next[k], next[k], goal, beta, eps, next[k].length);
          }
        }
        if (changesNext) {
          for (int k = 0; k <= last; k++) {
            if (k > 0 && changesPay[k - 1] || k < last && changesPay[k + 1]) {
              lanes.difference(next[k], rho[k], delta[k], next[k].length);
            }
          }
        }
        float[][] swap = rho;
        rho = next;
        next = swap;
      }
    }

    /**
     * The energy of samples {@code i … i+count−1} into {@code out}: per layer {@code Σ ½s² − ρ(s)·p}
     * with {@code p} the input from below and the bias, which counts every pair's term once.
     */
    void energy(int i, int count, float[] out) {
      load(i, count);
      energyOfLoaded(i, count, out);
    }

    /** {@link #energy} of the block's {@code state}, {@code ρ} being its clip. */
    private void energyOfLoaded(int i, int count, float[] out) {
      java.util.Arrays.fill(energy, 0f);
      for (int k = 0; k < n.length; k++) {
        lanes.inputs(base[k], k > 0 ? rho[k - 1] : NONE, k > 0 ? down[k] : NONE, k > 0 ? n[k - 1] : 0,
            NONE, NONE, 0, np[k], pre[k], null, null, null, 0f, 0f);
        lanes.energy(state[k], pre[k], n[k], energy);
      }
      System.arraycopy(energy, 0, out, i, count);
    }
  }
}
