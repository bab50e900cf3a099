package org.eqprop.backend.nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bytedeco.javacpp.FloatPointer;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainRelaxation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMax;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * {@link ChainRelaxation} for the {@code nd4j} backend, from few, large ND4J calls on arrays kept
 * between calls. The free layers live side by side in one array {@code S} (layer {@code k} a
 * {@code batch × n_k} block of it), the next state in a second, {@code Q}; a step is, per layer,
 *
 * <pre>
 *   Q_k = eps·(b_k + [k = 1] drive)                         (a copy of a base made once per call)
 *   Q_k += eps·S_{k−1}·W_k + eps·S_{k+1}·W_{k+1}ᵀ           (cblas_sgemm, or libnd4j's matmul op)
 *   Q_k += (1 − eps − [k = N] eps·β)·S_k + [k = N] eps·β·target   (saxpy)
 * </pre>
 *
 * then one clip of the whole of {@code Q} to {@code [0, 1]} (two ND4J scalar ops) and {@code S ↔ Q}.
 * That is the paper's step where every state lies in {@code [0, 1]} ({@code ρ(s) = s}, {@code ρ'(s) = 1}),
 * as it does after any step; a first step from states outside it is taken with {@code ρ} and
 * {@code ρ'} in full. Per step and layer: one copy, one or two products, one or two axpys; per step:
 * two element-wise ND4J ops, against about ten ND4J ops per layer on the generic path. ND4J's
 * scalar max takes NaN to 0, so a NaN state (from a NaN or infinite parameter, which the learner's
 * check reports) becomes 0 here, as in the {@code jcuda} kernel ({@code fmaxf}).
 *
 * <p>The products go to OpenBLAS's {@code cblas_sgemm} or to libnd4j's {@code matmul} op, which runs
 * oneDNN's kernels while ND4J's helpers are allowed, as the backend option {@code products} says
 * ({@link Products}): oneDNN multiplied 1.1–1.9 times faster than ND4J's OpenBLAS 0.3.19 on the
 * AMD EPYC the benchmarks ran on, and the op's call costs about 15 µs more, so by default it takes
 * the products of at least 2^20 multiply-adds (paper-2h's 500 × 500 ones, not paper-1h's).
 */
final class Nd4jChainRelaxation implements ChainRelaxation, AutoCloseable {
  /** Fewer rows than this per part are not worth a thread: at batch 20 two parts of 10 took 406 µs for 20 steps of 784-500-10 where one took 313. */
  private static final int MIN_ROWS = 32;

  private final Nd4jBackend backend;
  private final int threads;
  private final Products products;
  /**
   * {@code W_kᵀ} c-ordered at {@code [k]}, refilled at each call where a product reads it through
   * libnd4j's matmul op: that op ran 7–25% slower with a transposed operand (20 to 256 × 500 × 500),
   * and with these copies paper-2h at batch 20 trains about 5% faster (docs/benchmarks.md).
   */
  private INDArray[] transposed = new INDArray[0];
  /** {@code threads − 1} daemon threads for the parts after the first, or null with one thread. */
  private final ExecutorService pool;
  private Work[] parts = new Work[0];
  private Work whole;

  /**
   * @param threads how many parts the batch is cut into, each relaxed on a thread of its own with
   *     single-threaded BLAS (samples are independent under the dynamics)
   * @param products what multiplies in the steps
   */
  Nd4jChainRelaxation(Nd4jBackend backend, int threads, Products products) {
    this.backend = backend;
    this.threads = threads;
    this.products = products;
    this.pool = threads == 1 ? null : Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(() -> {
        // OpenMP's thread count is per calling thread: ND4J's ops from this one run on it alone too
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
        r.run();
      }, "eqprop-nd4j-relaxation");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }

  @Override
  public void relax(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      float eps, List<Tensor> layers, int steps) {
    int[] n = ChainRelaxation.check(drive, weights, biases, target, beta, layers, steps);
    if (steps == 0) {
      return;
    }
    int batch = drive.rows();
    int count = Math.max(1, Math.min(threads, batch / MIN_ROWS));
    if (parts.length != count) {
      parts = new Work[count];
    }
    FloatPointer[] weight = new FloatPointer[n.length];
    INDArray[] weightArrays = new INDArray[n.length];
    for (int k = 1; k < n.length; k++) {
      weight[k] = p(weights.get(k - 1));
      weightArrays[k] = ((Nd4jTensor) weights.get(k - 1)).a;
    }
    fitTransposed(weightArrays);
    int[] from = new int[count + 1];
    boolean viaMatmul = false;
    for (int part = 0; part < count; part++) {
      from[part + 1] = (part + 1) * batch / count;
      parts[part] = fit(parts[part], from[part + 1] - from[part], n);
      viaMatmul |= parts[part].products(weightArrays, transposed, eps);
    }
    for (int k = 1; k < n.length; k++) {
      for (int part = 0; part < count; part++) {
        if (parts[part].readsTransposed(k)) {
          transposed[k].assign(weightArrays[k].transpose());
          break;
        }
      }
    }
    // libnd4j's matmul op takes its oneDNN path only while helpers are allowed, a process-wide flag
    // that also slows its other ops a little (the clip): on only while a product needs it
    Nd4j.getEnvironment().allowHelpers(viaMatmul);
    if (count == 1) {
      try {
        relaxRows(parts[0], 0, drive, weight, biases, target, beta, eps, layers, steps);
      } finally {
        Nd4j.getEnvironment().allowHelpers(false);
      }
      return;
    }
    List<Future<?>> running = new ArrayList<>();
    backend.blasThreads(1);
    try {
      for (int part = 0; part < count; part++) {
        Work w = parts[part];
        int rowsFrom = from[part];
        Runnable task = () -> relaxRows(w, rowsFrom, drive, weight, biases, target, beta, eps, layers, steps);
        if (part < count - 1) {
          running.add(pool.submit(task));
        } else {
          task.run();
        }
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while relaxing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("relaxation failed: " + cause, cause);
    } finally {
      for (Future<?> f : running) {
        f.cancel(false);
      }
      backend.blasThreads(0);
      Nd4j.getEnvironment().allowHelpers(false);
    }
  }

  /** Relaxes the rows {@code from … from + w.batch − 1} of the batch on {@code w}'s arrays. */
  private static void relaxRows(Work w, int from, Tensor drive, FloatPointer[] weight, List<Tensor> biases,
      Tensor target, float beta, float eps, List<Tensor> layers, int steps) {
    int[] n = w.n;
    int batch = w.batch;
    int depth = n.length;
    for (int k = 0; k < depth; k++) {
      Blas.copy(batch * n[k], rows(layers.get(k), from), w.s[k]);
    }
    for (int k = 0; k < depth; k++) {
      // base_k = eps·b_k in every row (a product with a column of ones), + eps·drive on the first layer
      Blas.gemm(false, false, batch, n[k], 1, eps, w.ones, p(biases.get(k)), 0f, w.base[k]);
    }
    Blas.axpy(batch * n[0], eps, rows(drive, from), w.base[0]);
    int last = depth - 1;
    if (beta != 0f) {
      w.target.assign(0f);
      Blas.axpy(batch * n[last], eps * beta, rows(target, from), w.targetPtr);
    }
    int left = steps;
    if (!inUnitRange(w.sFlat)) {
      exactStep(w, n, weight, eps, beta);
      left--;
    }
    for (; left > 0; left--) {
      for (int k = 0; k < depth; k++) {
        Blas.copy(batch * n[k], w.base[k], w.q[k]);
        if (k > 0 && !w.matmul(2 * k)) {
          Blas.gemm(false, false, batch, n[k], n[k - 1], eps, w.s[k - 1], weight[k], 1f, w.q[k]);
        }
        if (k < last && !w.matmul(2 * k + 1)) {
          Blas.gemm(false, true, batch, n[k], n[k + 1], eps, w.s[k + 1], weight[k + 1], 1f, w.q[k]);
        }
        Blas.axpy(batch * n[k], k == last ? 1f - eps - eps * beta : 1f - eps, w.s[k], w.q[k]);
      }
      if (beta != 0f) {
        Blas.axpy(batch * n[last], 1f, w.targetPtr, w.q[last]);
      }
      w.clipQ();
      w.swap();
    }
    for (int k = 0; k < depth; k++) {
      Blas.copy(batch * n[k], w.s[k], rows(layers.get(k), from));
    }
  }

  /** Keeps an array for each {@code W_kᵀ}, made again only when a weight's shape changes. */
  private void fitTransposed(INDArray[] weights) {
    if (transposed.length != weights.length) {
      transposed = new INDArray[weights.length];
    }
    for (int k = 1; k < weights.length; k++) {
      long rows = weights[k].columns();
      long cols = weights[k].rows();
      if (transposed[k] == null || transposed[k].rows() != rows || transposed[k].columns() != cols) {
        transposed[k] = Nd4j.create(DataType.FLOAT, new long[] {rows, cols}, 'c');
      }
    }
  }

  /** {@code t}'s data from row {@code from} on. */
  private static FloatPointer rows(Tensor t, int from) {
    return from == 0 ? p(t) : Blas.at(p(t), (long) from * t.cols());
  }

  /**
   * The paper's step in full from states that may lie outside {@code [0, 1]}: the products read
   * {@code ρ(S)} and the drive reaches a unit only where {@code ρ'(s) = 1}.
   */
  private static void exactStep(Work w, int[] n, FloatPointer[] weight, float eps, float beta) {
    int depth = n.length;
    int last = depth - 1;
    int batch = w.batch;
    try (INDArray rho = clip(w.sFlat.dup());
        INDArray above = w.sFlat.gte(0f);
        INDArray below = w.sFlat.lte(1f);
        INDArray mask = above.castTo(DataType.FLOAT);
        INDArray maskBelow = below.castTo(DataType.FLOAT)) {
      mask.muli(maskBelow);
      FloatPointer[] r = views(rho, batch, n);
      for (int k = 0; k < depth; k++) {
        Blas.copy(batch * n[k], w.base[k], w.q[k]);
        if (k > 0) {
          Blas.gemm(false, false, batch, n[k], n[k - 1], eps, r[k - 1], weight[k], 1f, w.q[k]);
        }
        if (k < last) {
          Blas.gemm(false, true, batch, n[k], n[k + 1], eps, r[k + 1], weight[k + 1], 1f, w.q[k]);
        }
      }
      w.qFlat.muli(mask);
      for (int k = 0; k < depth; k++) {
        Blas.axpy(batch * n[k], k == last ? 1f - eps - eps * beta : 1f - eps, w.s[k], w.q[k]);
      }
      if (beta != 0f) {
        Blas.axpy(batch * n[last], 1f, w.targetPtr, w.q[last]);
      }
      w.clipQ();
      w.swap();
    }
  }

  @Override
  public void energy(Tensor drive, List<Tensor> weights, List<Tensor> biases, List<Tensor> layers, Tensor out) {
    int[] n = ChainRelaxation.checkEnergy(drive, weights, biases, layers, out);
    int batch = drive.rows();
    int depth = n.length;
    Work w = whole = fit(whole, batch, n);
    for (int k = 0; k < depth; k++) {
      Blas.copy(batch * n[k], p(layers.get(k)), w.s[k]);
    }
    // Q_k = b_k + [k = 1] drive + [k > 1] ρ(s_{k−1})·W_k: the field each ρ(s_k) meets once
    for (int k = 0; k < depth; k++) {
      Blas.gemm(false, false, batch, n[k], 1, 1f, w.ones, p(biases.get(k)), 0f, w.q[k]);
    }
    Blas.axpy(batch * n[0], 1f, p(drive), w.q[0]);
    try (INDArray rho = clip(w.sFlat.dup())) {
      FloatPointer[] r = views(rho, batch, n);
      for (int k = 1; k < depth; k++) {
        Blas.gemm(false, false, batch, n[k], n[k - 1], 1f, r[k - 1], p(weights.get(k - 1)), 1f, w.q[k]);
      }
      // per element ½s² − ρ(s)·field, then each sample's sum over every layer's block
      try (INDArray terms = w.sFlat.mul(w.sFlat)) {
        terms.muli(0.5f).subi(rho.muli(w.qFlat));
        FloatPointer[] t = views(terms, batch, n);
        for (int k = 0; k < depth; k++) {
          Blas.gemm(false, false, batch, 1, n[k], 1f, t[k], w.unitOnes, k == 0 ? 0f : 1f, p(out));
        }
      }
    }
  }

  private static boolean inUnitRange(INDArray s) {
    return s.minNumber().floatValue() >= 0f && s.maxNumber().floatValue() <= 1f;
  }

  /** Clips {@code a} to {@code [0, 1]} in place (NaN becomes 0) and returns it. */
  private static INDArray clip(INDArray a) {
    Nd4j.getExecutioner().exec(new ScalarMax(a, null, a, 0f));
    Nd4j.getExecutioner().exec(new ScalarMin(a, null, a, 1f));
    return a;
  }

  private static FloatPointer[] views(INDArray flat, int batch, int[] n) {
    FloatPointer base = (FloatPointer) flat.data().addressPointer();
    FloatPointer[] v = new FloatPointer[n.length];
    long offset = 0;
    for (int k = 0; k < n.length; k++) {
      v[k] = Blas.at(base, offset);
      offset += (long) batch * n[k];
    }
    return v;
  }

  private static FloatPointer p(Tensor t) {
    return ((Nd4jTensor) t).ptr;
  }

  private Work fit(Work w, int batch, int[] n) {
    return w != null && w.batch == batch && Arrays.equals(w.n, n) ? w : new Work(batch, n, products);
  }

  /** The arrays of one shape of batch and layers, kept while calls keep to it. */
  private static final class Work {
    final int batch;
    final int[] n;
    INDArray sFlat, qFlat;
    FloatPointer[] s, q;
    final FloatPointer[] base;
    final INDArray target;
    final FloatPointer targetPtr;
    /** Ones, {@code batch × 1} and {@code max n_k × 1}. */
    final FloatPointer ones, unitOnes;
    private final INDArray baseFlat, onesArray, unitOnesArray;
    /** The clip of {@code qFlat} and of {@code sFlat}, swapped with them. */
    private Op[] clipQ, clipS;
    /**
     * libnd4j's matmul ops of a step, {@code Q_k += eps·S_{k−1}·W_k} at {@code [parity][2k]} and
     * {@code Q_k += eps·S_{k+1}·W_{k+1}ᵀ} at {@code [parity][2k + 1]}, on views of the two state
     * arrays ({@code parity} flips with each {@link #swap}); an entry is null where cblas multiplies.
     */
    private Mmul[][] matmul;
    private int parity;
    private boolean viaMatmul;
    /** What multiplies, the relaxation's {@code products}. */
    private final Products products;
    private INDArray[] matmulWeights;
    private float matmulEps;
    /** The two state arrays as first made ({@code sFlat}, {@code qFlat} swap). */
    private final INDArray flat0, flat1;

    Work(int batch, int[] n, Products products) {
      this.batch = batch;
      this.n = n.clone();
      this.products = products;
      long total = 0;
      for (int size : n) {
        total += (long) batch * size;
      }
      sFlat = Nd4j.zeros(DataType.FLOAT, 1, total);
      qFlat = Nd4j.zeros(DataType.FLOAT, 1, total);
      baseFlat = Nd4j.zeros(DataType.FLOAT, 1, total);
      s = views(sFlat, batch, n);
      q = views(qFlat, batch, n);
      base = views(baseFlat, batch, n);
      target = Nd4j.zeros(DataType.FLOAT, batch, n[n.length - 1]);
      targetPtr = (FloatPointer) target.data().addressPointer();
      onesArray = Nd4j.ones(DataType.FLOAT, batch, 1);
      ones = (FloatPointer) onesArray.data().addressPointer();
      unitOnesArray = Nd4j.ones(DataType.FLOAT, Arrays.stream(n).max().orElse(1), 1);
      unitOnes = (FloatPointer) unitOnesArray.data().addressPointer();
      clipQ = clipOps(qFlat);
      clipS = clipOps(sFlat);
      flat0 = sFlat;
      flat1 = qFlat;
    }

    /**
     * Chooses, per product of the coming steps, cblas or libnd4j's matmul op on {@code weights}
     * ({@code [k]} is {@code W_k}, {@code [0]} unused) and {@code transposed} (their transposes,
     * for the products with {@code W_{k+1}ᵀ}) with {@code eps} as its scale, as {@code products}
     * says. The ops are made again only when one of these changes.
     *
     * @return whether any product goes through libnd4j's matmul op
     */
    boolean products(INDArray[] weights, INDArray[] transposed, float eps) {
      INDArray[] operands = new INDArray[2 * weights.length];
      System.arraycopy(weights, 0, operands, 0, weights.length);
      System.arraycopy(transposed, 0, operands, weights.length, transposed.length);
      if (matmul == null || eps != matmulEps || !sameArrays(operands, matmulWeights)) {
        makeProducts(weights, transposed, eps);
        matmulWeights = operands;
      }
      return viaMatmul;
    }

    /** Whether {@code a} and {@code b} hold the same arrays ({@code INDArray.equals} compares values). */
    private static boolean sameArrays(INDArray[] a, INDArray[] b) {
      if (b == null || a.length != b.length) {
        return false;
      }
      for (int i = 0; i < a.length; i++) {
        if (a[i] != b[i]) {
          return false;
        }
      }
      return true;
    }

    private void makeProducts(INDArray[] weights, INDArray[] transposed, float eps) {
      int depth = n.length;
      INDArray[][] views = {blocks(flat0), blocks(flat1)};
      Mmul[][] ops = new Mmul[2][2 * depth];
      for (int from = 0; from < 2; from++) {
        INDArray[] in = views[from];
        INDArray[] out = views[1 - from];
        for (int k = 0; k < depth; k++) {
          if (k > 0 && products.viaMatmul(batch, n[k - 1], n[k])) {
            ops[from][2 * k] = new Mmul(in[k - 1], weights[k], out[k], eps, 1.0, MMulTranspose.builder().build());
          }
          if (k < depth - 1 && products.viaMatmul(batch, n[k + 1], n[k])) {
            ops[from][2 * k + 1] = new Mmul(in[k + 1], transposed[k + 1], out[k], eps, 1.0,
                MMulTranspose.builder().build());
          }
        }
      }
      matmul = ops;
      viaMatmul = Arrays.stream(ops[0]).anyMatch(op -> op != null);
      matmulEps = eps;
    }

    /** Whether a product of the coming steps reads {@code W_kᵀ} through libnd4j's matmul op. */
    boolean readsTransposed(int k) {
      return matmul[0][2 * (k - 1) + 1] != null;
    }

    /**
     * Adds product {@code i} of the step (see {@link #matmul}) to its {@code Q_k} through libnd4j's
     * matmul op, or returns false where cblas is to multiply.
     */
    boolean matmul(int i) {
      Mmul op = matmul[parity][i];
      if (op == null) {
        return false;
      }
      Nd4j.exec(op);
      return true;
    }

    /** Each layer's {@code batch × n_k} block of {@code flat} as a c-ordered view of its buffer. */
    private INDArray[] blocks(INDArray flat) {
      INDArray[] v = new INDArray[n.length];
      long offset = 0;
      for (int k = 0; k < n.length; k++) {
        v[k] = Nd4j.create(flat.data(), new long[] {batch, n[k]}, new long[] {n[k], 1}, offset, 'c');
        offset += (long) batch * n[k];
      }
      return v;
    }

    private static Op[] clipOps(INDArray a) {
      return new Op[] {new ScalarMax(a, null, a, 0f), new ScalarMin(a, null, a, 1f)};
    }

    void clipQ() {
      for (Op op : clipQ) {
        Nd4j.getExecutioner().exec(op);
      }
    }

    void swap() {
      INDArray flat = sFlat;
      sFlat = qFlat;
      qFlat = flat;
      FloatPointer[] v = s;
      s = q;
      q = v;
      Op[] c = clipS;
      clipS = clipQ;
      clipQ = c;
      parity = 1 - parity;
    }
  }
}
