package org.eqprop.backend.jcuda;

import java.util.ArrayList;
import java.util.List;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.api.tensor.Tensor;

/**
 * {@link ChainRelaxation} for the jcuda backend, three ways:
 *
 * <ul>
 *   <li><b>kernel</b>: the whole phase, every step, in one launch of {@code eq_chain_relax}, one
 *       block per sample holding the sample's state in shared memory; the weights are read from
 *       global memory (and the device's L2 cache) at every step, once per sample. Needs at most
 *       {@value #MAX_FREE} free layers and the state plus partial sums within the shared memory a
 *       block may have.
 *   <li><b>steps</b>: one launch of {@code eq_chain_step} per step for every layer: tiles of 64
 *       samples by 64 units, each weight read once per tile, the step taken as the tile is stored
 *       into a second state buffer. At most {@value #MAX_FREE} free layers.
 *   <li><b>products</b>: per step, each layer's input by tiled matrix products over the whole
 *       batch, then one fused update launch per layer; about four launches per layer and step.
 * </ul>
 *
 * {@code auto} takes the kernel where it fits and the weights between free layers are few (at
 * most {@value #KERNEL_WEIGHTS}: read once per sample, they stay in cache), else steps, else
 * products. The bound is an estimate of where reading every weight once per sample and step stops
 * paying for the single launch; it has not been measured on a GPU yet.
 *
 * <p>{@link ChainPhases}: where {@code auto} or {@code kernel} takes the per-sample kernel, a
 * training step's two phases, the free fixed point's energy and classes in between, are one
 * launch of {@code eq_chain_phases}; elsewhere it declines and the learner runs the phases one by
 * one.
 */
final class JcudaRelaxation implements ChainRelaxation, ChainPhases, AutoCloseable {
  /** Free layers the fused kernel takes ({@code EQ_MAX_FREE} in the kernel source). */
  static final int MAX_FREE = 8;
  /** Bytes of the kernel's {@code EqChain} argument. */
  static final int CHAIN_BYTES = 3 * MAX_FREE * 8 + MAX_FREE * 4;
  /** Bytes of the step kernel's {@code EqStep} argument. */
  static final int STEP_BYTES = 4 * MAX_FREE * 8 + MAX_FREE * 4;
  /** Bytes of the phases kernel's {@code EqLayers} argument (the nudged layers). */
  static final int LAYERS_BYTES = MAX_FREE * 8;
  /** Threads a block of the per-sample kernels has at most (and floats the phases kernel adds for its sums). */
  private static final int MAX_THREADS = 512;
  /** Weights between free layers up to which {@code auto} takes the per-sample kernel. */
  static final long KERNEL_WEIGHTS = 1 << 16;
  /** Rows and columns of the step kernel's tiles ({@code EQ_TILE}). */
  private static final int TILE = 64;
  private static final int MIN_CHUNK = 32;

  /** How a relaxation runs. */
  enum Mode {
    /** The fused kernel where it fits, else products. */
    AUTO,
    /** Always the fused kernel; an error where it does not fit. */
    KERNEL,
    /** One tiled launch per step; an error beyond {@value #MAX_FREE} free layers. */
    STEPS,
    /** Always per-step products. */
    PRODUCTS
  }

  private final JcudaBackend backend;
  private final Mode mode;
  private final List<Tensor> scratch = new ArrayList<>();

  JcudaRelaxation(JcudaBackend backend, Mode mode) {
    this.backend = backend;
    this.mode = mode;
  }

  @Override
  public void relax(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      float eps, List<Tensor> layers, int steps) {
    int[] n = ChainRelaxation.check(drive, weights, biases, target, beta, layers, steps);
    if (steps == 0) {
      return;
    }
    if (mode == Mode.STEPS && n.length > MAX_FREE) {
      throw new IllegalArgumentException("chain-relaxation: " + n.length + " free layers are more than the step kernel's "
          + MAX_FREE);
    }
    int[] fit = perSample(n, Kernel.CHAIN_RELAX, 0);
    if (fit != null) {
      fused(drive, weights, biases, target, beta, eps, layers, steps, n, fit[0], fit[1]);
    } else if (mode != Mode.PRODUCTS && n.length <= MAX_FREE) {
      tiled(drive, weights, biases, target, beta, eps, layers, steps, n);
    } else {
      products(drive, weights, biases, target, beta, eps, layers, steps, n);
    }
  }

  /**
   * {chunk, shared bytes} where the per-sample kernel {@code kernel} (with {@code extraFloats} of
   * shared memory beyond the relaxation's) is the way to go, else null.
   *
   * @throws IllegalArgumentException in mode {@code kernel}, where it does not fit
   */
  /** Whether {@link #run} can ever take the per-sample kernel: in modes {@code auto} and {@code kernel}. */
  boolean runsPhases() {
    return mode == Mode.KERNEL || mode == Mode.AUTO;
  }

  private int[] perSample(int[] n, Kernel kernel, int extraFloats) {
    if (mode != Mode.KERNEL && mode != Mode.AUTO) {
      return null;
    }
    int[] fit = kernelFit(n, kernel, extraFloats);
    if (fit == null && mode == Mode.KERNEL) {
      throw new IllegalArgumentException("chain-relaxation: layers " + java.util.Arrays.toString(n)
          + " do not fit the fused kernel (at most " + MAX_FREE + " free layers, state and partial sums within "
          + backend.device().maxDynamicShared(kernel.entry) + " bytes of shared memory a block)");
    }
    return fit != null && (mode == Mode.KERNEL || weightsBetween(n) <= KERNEL_WEIGHTS) ? fit : null;
  }

  /** Weights between free layers: what the per-sample kernel reads for every sample at every step. */
  private static long weightsBetween(int[] n) {
    long total = 0;
    for (int k = 1; k < n.length; k++) {
      total += (long) n[k - 1] * n[k];
    }
    return total;
  }

  /**
   * {@code steps} launches of {@code eq_chain_step}, between the layers and a second state in
   * scratch tensors; after an odd number the state is copied back into the layers.
   */
  private void tiled(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta, float eps,
      List<Tensor> layers, int steps, int[] n) {
    int batch = drive.rows();
    long[] cur = new long[MAX_FREE];
    long[] next = new long[MAX_FREE];
    int tiles = 0;
    for (int k = 0; k < n.length; k++) {
      cur[k] = backend.address(layers.get(k));
      next[k] = backend.address(scratch(2 * k, batch, n[k]));
      tiles += ((batch + TILE - 1) / TILE) * ((n[k] + TILE - 1) / TILE);
    }
    long[] chain = chain(weights, biases, layers, n);
    long targetAddress = beta != 0f ? backend.address(target) : 0L;
    for (int step = 0; step < steps; step++) {
      long[] words = new long[STEP_BYTES / 8];
      System.arraycopy(cur, 0, words, 0, MAX_FREE);
      System.arraycopy(next, 0, words, MAX_FREE, MAX_FREE);
      // biases, weights and sizes as in the EqChain argument
      System.arraycopy(chain, MAX_FREE, words, 2 * MAX_FREE, 2 * MAX_FREE + MAX_FREE / 2);
      backend.launch(backend.tf32() ? Kernel.CHAIN_STEP_TF32 : Kernel.CHAIN_STEP, tiles, 1, 16, 16, 0,
          new KernelArgs().struct(words, STEP_BYTES).i32(n.length).i32(batch).ptr(backend.address(drive))
              .ptr(targetAddress).f32(beta).f32(eps));
      long[] t = cur;
      cur = next;
      next = t;
    }
    if (steps % 2 == 1) {
      for (int k = 0; k < n.length; k++) {
        backend.copy(scratch(2 * k, batch, n[k]), layers.get(k));
      }
    }
  }

  /** Units in all layers: each has a slot in both state buffers. */
  private static long units(int[] n) {
    long total = 0;
    for (int k : n) {
      total += k;
    }
    return total;
  }

  /** Work items (unit, chunk of {@code chunk} input terms) per step: each has a partial sum. */
  private static long items(int[] n, int chunk) {
    long parts = 0;
    for (int k = 0; k < n.length; k++) {
      long range = (k > 0 ? n[k - 1] : 0) + (k + 1 < n.length ? n[k + 1] : 0);
      parts += (long) n[k] * Math.max(1, (range + chunk - 1) / chunk);
    }
    return parts;
  }

  /** Shared floats the kernel needs with partial sums of {@code chunk} terms. */
  private static long sharedFloats(int[] n, int chunk) {
    return 2 * units(n) + items(n, chunk);
  }

  /** {chunk, shared bytes} for a per-sample kernel, or null where it does not fit. */
  private int[] kernelFit(int[] n, Kernel kernel, int extraFloats) {
    if (n.length > MAX_FREE) {
      return null;
    }
    int limit = backend.device().maxDynamicShared(kernel.entry);
    int widest = 1;
    for (int k = 0; k < n.length; k++) {
      widest = Math.max(widest, (k > 0 ? n[k - 1] : 0) + (k + 1 < n.length ? n[k + 1] : 0));
    }
    for (int chunk = MIN_CHUNK; ; chunk *= 2) {
      long bytes = (sharedFloats(n, chunk) + extraFloats) * Float.BYTES;
      if (bytes <= limit) {
        return new int[] {chunk, (int) bytes};
      }
      if (chunk >= widest) {
        return null;
      }
    }
  }

  /**
   * One launch of {@code eq_chain_energy}: a block per sample. Up to {@value #MAX_FREE} free layers
   * (the kernels' {@code EqChain}); deeper chains sum the energy from the core operations.
   */
  @Override
  public void energy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, Tensor out) {
    int[] n = ChainRelaxation.checkEnergy(drive, weights, biases, layers, out);
    if (n.length > MAX_FREE) {
      coreEnergy(drive, weights, biases, layers, out, n);
      return;
    }
    backend.launch(Kernel.CHAIN_ENERGY, drive.rows(), 1, JcudaBackend.THREADS, 1, 0,
        new KernelArgs().struct(chain(weights, biases, layers, n), CHAIN_BYTES).i32(n.length)
            .ptr(backend.address(drive)).ptr(backend.address(out)));
  }

  /** {@link #energy} from the core operations, for chains deeper than the kernels take. */
  private void coreEnergy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, Tensor out,
      int[] n) {
    int batch = drive.rows();
    Tensor perSample = scratch(2 * n.length, batch, 1);
    backend.fill(out, 0f);
    for (int k = 0; k < n.length; k++) {
      Tensor rho = scratch(2 * k, batch, n[k]);
      Tensor input = scratch(2 * k + 1, batch, n[k]);
      backend.clip(layers.get(k), 0f, 1f, rho);
      if (k == 0) {
        backend.addRowVector(drive, biases.get(0), input);
      } else {
        // ρ(s_{k−1}), from the previous layer's turn
        backend.gemm(1f, scratch(2 * k - 2, batch, n[k - 1]), false, weights.get(k - 1), false, 0f, input);
        backend.addRowVector(input, biases.get(k), input);
      }
      backend.rowDot(layers.get(k), layers.get(k), perSample);
      backend.axpy(0.5f, perSample, out);
      backend.rowDot(input, rho, perSample);
      backend.axpy(-1f, perSample, out);
    }
  }

  /** The kernels' {@code EqChain} argument: layer, bias and weight addresses, then the sizes. */
  private long[] chain(List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, int[] n) {
    long[] chain = new long[CHAIN_BYTES / 8];
    for (int k = 0; k < n.length; k++) {
      chain[k] = backend.address(layers.get(k));
      chain[MAX_FREE + k] = backend.address(biases.get(k));
      if (k > 0) {
        chain[2 * MAX_FREE + k] = backend.address(weights.get(k - 1));
      }
      chain[3 * MAX_FREE + k / 2] |= (n[k] & 0xffffffffL) << (32 * (k % 2));
    }
    return chain;
  }

  private void fused(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      float eps, List<Tensor> layers, int steps, int[] n, int chunk, int sharedBytes) {
    long[] chain = chain(weights, biases, layers, n);
    backend.launch(Kernel.CHAIN_RELAX, drive.rows(), 1, threads(n, chunk), 1, sharedBytes,
        new KernelArgs().struct(chain, CHAIN_BYTES).i32(n.length).ptr(backend.address(drive))
            .ptr(beta != 0f ? backend.address(target) : 0L).f32(beta).f32(eps).i32(steps).i32(chunk));
  }

  /** Threads of a block of the per-sample kernels: a warp per 32 work items or units, up to {@value #MAX_THREADS}. */
  private static int threads(int[] n, int chunk) {
    long work = Math.max(items(n, chunk), units(n));
    return (int) Math.min(MAX_THREADS, Math.max(32, (work + 31) / 32 * 32));
  }

  @Override
  public boolean run(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta, float eps,
      List<Tensor> free, List<Tensor> nudged, int freeSteps, int nudgedSteps, boolean fromZeros, Tensor energy,
      Tensor classes) {
    int[] n = ChainPhases.check(drive, weights, biases, target, beta, free, nudged, freeSteps, nudgedSteps, energy,
        classes);
    int[] fit = perSample(n, Kernel.CHAIN_PHASES, MAX_THREADS);
    if (fit == null) {
      return false;
    }
    long[] out = new long[LAYERS_BYTES / 8];
    for (int k = 0; k < n.length; k++) {
      out[k] = backend.address(nudged.get(k));
    }
    backend.launch(Kernel.CHAIN_PHASES, drive.rows(), 1, threads(n, fit[0]), 1, fit[1],
        new KernelArgs().struct(chain(weights, biases, free, n), CHAIN_BYTES).struct(out, LAYERS_BYTES).i32(n.length)
            .ptr(backend.address(drive)).ptr(beta != 0f ? backend.address(target) : 0L).f32(beta).f32(eps)
            .i32(freeSteps).i32(nudgedSteps).i32(fit[0]).i32(fromZeros ? 1 : 0).ptr(backend.address(energy))
            .ptr(backend.address(classes)));
    return true;
  }

  /** Scratch tensor {@code i}, {@code rows × cols}, kept between calls while the shape holds. */
  private Tensor scratch(int i, int rows, int cols) {
    while (scratch.size() <= i) {
      scratch.add(null);
    }
    Tensor t = scratch.get(i);
    if (t == null || t.rows() != rows || t.cols() != cols) {
      if (t != null) {
        t.close();
      }
      t = backend.zeros(rows, cols);
      scratch.set(i, t);
    }
    return t;
  }

  private void products(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      float eps, List<Tensor> layers, int steps, int[] n) {
    int depth = n.length;
    int batch = drive.rows();
    Tensor[] rho = new Tensor[depth];
    Tensor[] input = new Tensor[depth];
    for (int k = 0; k < depth; k++) {
      rho[k] = scratch(2 * k, batch, n[k]);
      input[k] = scratch(2 * k + 1, batch, n[k]);
    }
    for (int step = 0; step < steps; step++) {
      for (int k = 0; k < depth; k++) {
        backend.clip(layers.get(k), 0f, 1f, rho[k]);
      }
      for (int k = 0; k < depth; k++) {
        if (k == 0) {
          backend.copy(drive, input[0]);
        } else {
          backend.gemm(1f, rho[k - 1], false, weights.get(k - 1), false, 0f, input[k]);
        }
        if (k + 1 < depth) {
          backend.gemm(1f, rho[k + 1], false, weights.get(k), true, 1f, input[k]);
        }
        backend.addRowVector(input[k], biases.get(k), input[k]);
      }
      for (int k = 0; k < depth; k++) {
        long s = backend.address(layers.get(k));
        boolean nudged = k == depth - 1 && beta != 0f;
        backend.elementwise(Kernel.RELAX_UPDATE, (long) batch * n[k],
            new KernelArgs().ptr(s).ptr(backend.address(input[k])).ptr(nudged ? backend.address(target) : 0L)
                .ptr(s).i32(batch * n[k]).f32(beta).f32(eps));
      }
    }
  }

  @Override
  public void close() {
    for (Tensor t : scratch) {
      if (t != null) {
        t.close();
      }
    }
    scratch.clear();
  }
}
