package org.eqprop.backend.ejml;

import java.util.Optional;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.HostPooling;
import org.eqprop.api.tensor.PoolGeometry;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;

/**
 * {@link Backend} on EJML's float32 row-major matrices. Products with an untransposed right operand
 * go through the Vector API kernel ({@link VectorGemm}) where the JVM has it, split by columns
 * over the worker threads from {@code mtThreshold} multiply-adds on; the others through EJML's
 * {@code CommonOps_FDRM} or, from {@code mtThreshold} on, {@code CommonOps_MT_FDRM}. Element-wise
 * operations are single loops over the backing arrays. Offers the kernels {@link ChainRelaxation},
 * {@link ChainPhases} and {@link AdamUpdate} through {@link #extension} unless built without them,
 * and {@link ChainContrast} with them where the Vector API kernel runs.
 */
public final class EjmlBackend implements Backend {
  /** The backend's name. */
  public static final String NAME = "ejml";

  /** From this many elements of {@code op(a)} on, its layout for a product is split over the threads. */
  private static final long PARALLEL_PACK = 16_384L;

  private final long mtThreshold;
  /** Element-wise operations this long (or from {@code mtThreshold} on, if lower) use every thread. */
  private static final int PARALLEL_ELEMENTS = 1 << 16;

  private final Gemm kernel;
  /** The Vector API loops for plain element-wise work, or null without them. */
  private final Lanes vector;
  /** The loops of the fused kernels, or null when they are off. */
  private final Lanes fused;
  private final Workers workers;
  /** {@code (bᵀ·a)} of a narrow product, kept between calls. */
  private float[] narrow = new float[0];
  private final ChainRelaxation chainRelaxation;
  private final ChainContrast chainContrast;
  private final AdamUpdate adamUpdate;

  /**
   * @param mtThreshold products with at least this many multiply-adds use several threads; {@link
   *     Long#MAX_VALUE} never does
   * @param threads the most threads a kernel uses
   * @param kernel the product kernel for untransposed right operands, or null for EJML's own
   * @param vector the Vector API loops for plain element-wise work, or null for plain loops
   * @param fused the loops of the fused kernels, or null to offer no {@link ChainRelaxation}, no
   *     {@link ChainContrast} and no {@link AdamUpdate}
   */
  EjmlBackend(long mtThreshold, int threads, Gemm kernel, Lanes vector, Lanes fused) {
    this.mtThreshold = mtThreshold;
    this.kernel = kernel;
    this.vector = vector;
    this.fused = fused;
    this.workers = new Workers(threads);
    this.chainRelaxation = fused == null ? null : new EjmlChainRelaxation(this, fused, workers);
    this.chainContrast = fused == null || kernel == null ? null : new EjmlChainContrast(this, kernel, fused, workers);
    this.adamUpdate = fused == null ? null : this::adam;
  }

  @Override
  public <T> Optional<T> extension(Class<T> kernel) {
    if ((kernel == ChainRelaxation.class || kernel == ChainPhases.class) && chainRelaxation != null) {
      return Optional.of(kernel.cast(chainRelaxation));
    }
    if (kernel == ChainContrast.class && chainContrast != null) {
      return Optional.of(kernel.cast(chainContrast));
    }
    if (kernel == AdamUpdate.class && adamUpdate != null) {
      return Optional.of(kernel.cast(adamUpdate));
    }
    return Optional.empty();
  }

  private void adam(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2,
      float epsilon, float correction1, float correction2, float weightDecay) {
    Shapes.requireSame("adam-update", param, grad);
    Shapes.requireSame("adam-update", param, m);
    Shapes.requireSame("adam-update", param, v);
    fused.adam(m(param).data, m(grad).data, m(m).data, m(v).data, 1f - lr * weightDecay, beta1, beta2, epsilon,
        lr / correction1, (float) (1 / Math.sqrt(correction2)), (int) param.size());
  }

  /** The backing array of one of this backend's tensors (row-major, exactly its size). */
  float[] data(Tensor x) {
    return m(x).data;
  }

  @Override
  public String name() {
    return NAME;
  }

  private EjmlTensor t(Tensor x) {
    if (x instanceof EjmlTensor e && e.owner == this) {
      return e;
    }
    throw new IllegalArgumentException(
        "tensor " + x + " does not belong to this " + NAME + " backend");
  }

  private FMatrixRMaj m(Tensor x) {
    return t(x).m;
  }

  @Override
  public Tensor zeros(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("tensor dimensions must be positive: " + rows + "x" + cols);
    }
    return new EjmlTensor(this, rows, cols);
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    Shapes.requireLength("upload", dst, src.length);
    System.arraycopy(src, 0, m(dst).data, 0, src.length);
  }

  @Override
  public void download(Tensor src, float[] dst) {
    Shapes.requireLength("download", src, dst.length);
    System.arraycopy(m(src).data, 0, dst, 0, dst.length);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    Shapes.requireSame("copy", src, dst);
    System.arraycopy(m(src).data, 0, m(dst).data, 0, (int) src.size());
  }

  @Override
  public void fill(Tensor t, float value) {
    java.util.Arrays.fill(m(t).data, 0, (int) t.size(), value);
  }

  /**
   * {@code c += alpha·op(a)·b} on the product kernel, {@code c} being {@code m × n}: {@code op(a)}
   * laid out, then the columns split over the threads when {@code mt}.
   */
  private void products(float alpha, float[] a, boolean transA, float[] b, float[] c, int m, int n, int k, boolean mt) {
    int block = kernel.columnBlock();
    int parts = mt ? Math.min(workers.threads(), Math.max(1, n / block)) : 1;
    int chunk = (n / block + parts - 1) / parts * block;
    Gemm.Packed packed = kernel.packing(m, k);
    // blocks of 8 rows of op(a) laid out on each thread
    int blocks = m / 8;
    int packParts = mt && (long) m * k >= PARALLEL_PACK ? Math.min(workers.threads(), Math.max(1, blocks)) : 1;
    workers.run(
        packParts,
        p -> kernel.pack(a, transA, m, k, p * blocks / packParts * 8,
            p == packParts - 1 ? m : (p + 1) * blocks / packParts * 8, packed));
    // the calling thread (part 0) takes the last columns, with the ragged edge
    workers.run(
        parts,
        p -> {
          int r = parts - 1 - p;
          kernel.gemm(alpha, packed, b, c, m, n, k, r * chunk, r == parts - 1 ? n : (r + 1) * chunk);
        });
  }

  @Override
  public void gemm(
      float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor c) {
    Shapes.requireGemm(a, transA, b, transB, c);
    if (c == a || c == b) {
      throw new IllegalArgumentException("gemm: c must not alias a or b");
    }
    FMatrixRMaj ma = m(a);
    FMatrixRMaj mb = m(b);
    FMatrixRMaj mc = m(c);
    int k = transA ? a.rows() : a.cols();
    long work = (long) c.rows() * c.cols() * k;
    boolean mt = work >= mtThreshold;
    if (kernel != null && !transB) {
      if (beta == 0f) {
        java.util.Arrays.fill(mc.data, 0, (int) c.size(), 0f);
      } else if (beta != 1f) {
        CommonOps_FDRM.scale(beta, mc);
      }
      int m = c.rows(), n = c.cols();
      int block = kernel.columnBlock();
      if (transA && turnedRound(m, n, block)) {
        // c is narrow (the output layer's weights) and tall: c += alpha·(bᵀ·a)ᵀ, whose product has
        // m columns for the kernel to split instead of fewer than one vector's pair
        float[] t = narrow = narrow.length >= n * m ? narrow : new float[n * m];
        java.util.Arrays.fill(t, 0, n * m, 0f);
        products(1f, mb.data, true, ma.data, t, n, m, k, mt);
        addTransposed(alpha, t, m, n, mc.data, 0, m);
        return;
      }
      products(alpha, ma.data, transA, mb.data, mc.data, m, n, k, mt);
      return;
    }
    if (beta == 0f) {
      if (!transA && !transB) {
        if (mt) CommonOps_MT_FDRM.mult(alpha, ma, mb, mc); else CommonOps_FDRM.mult(alpha, ma, mb, mc);
      } else if (transA && !transB) {
        if (mt) CommonOps_MT_FDRM.multTransA(alpha, ma, mb, mc);
        else CommonOps_FDRM.multTransA(alpha, ma, mb, mc);
      } else if (!transA) {
        if (mt) CommonOps_MT_FDRM.multTransB(alpha, ma, mb, mc);
        else CommonOps_FDRM.multTransB(alpha, ma, mb, mc);
      } else {
        if (mt) CommonOps_MT_FDRM.multTransAB(alpha, ma, mb, mc);
        else CommonOps_FDRM.multTransAB(alpha, ma, mb, mc);
      }
      return;
    }
    if (beta != 1f) {
      CommonOps_FDRM.scale(beta, mc);
    }
    if (!transA && !transB) {
      if (mt) CommonOps_MT_FDRM.multAdd(alpha, ma, mb, mc); else CommonOps_FDRM.multAdd(alpha, ma, mb, mc);
    } else if (transA && !transB) {
      if (mt) CommonOps_MT_FDRM.multAddTransA(alpha, ma, mb, mc);
      else CommonOps_FDRM.multAddTransA(alpha, ma, mb, mc);
    } else if (!transA) {
      if (mt) CommonOps_MT_FDRM.multAddTransB(alpha, ma, mb, mc);
      else CommonOps_FDRM.multAddTransB(alpha, ma, mb, mc);
    } else {
      if (mt) CommonOps_MT_FDRM.multAddTransAB(alpha, ma, mb, mc);
      else CommonOps_FDRM.multAddTransAB(alpha, ma, mb, mc);
    }
  }

  /**
   * Whether a product {@code c += alpha·aᵀ·b} into an {@code m × n} {@code c} is computed turned
   * round, as {@code (bᵀ·a)ᵀ}: {@code c} narrower than one column block of the kernel ({@code block})
   * and tall enough that the turned product's {@code m} columns split.
   */
  static boolean turnedRound(int m, int n, int block) {
    return n < block && m >= 4 * block;
  }

  /**
   * {@code c[i][j] += alpha·t[j][i]} for the rows {@code i0 ≤ i < i1} of {@code c} ({@code m × n})
   * from a turned-round product {@code t} ({@code n × m}).
   */
  static void addTransposed(float alpha, float[] t, int m, int n, float[] c, int i0, int i1) {
    for (int i = i0; i < i1; i++) {
      for (int j = 0; j < n; j++) {
        c[i * n + j] += alpha * t[j * m + i];
      }
    }
  }

  @Override
  public void add(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("add", a, b);
    Shapes.requireSame("add", a, out);
    float[] x = m(a).data, y = m(b).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = x[i] + y[i];
    }
  }

  @Override
  public void sub(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("sub", a, b);
    Shapes.requireSame("sub", a, out);
    float[] x = m(a).data, y = m(b).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = x[i] - y[i];
    }
  }

  @Override
  public void mul(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("mul", a, b);
    Shapes.requireSame("mul", a, out);
    float[] x = m(a).data, y = m(b).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = x[i] * y[i];
    }
  }

  @Override
  public void div(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("div", a, b);
    Shapes.requireSame("div", a, out);
    float[] x = m(a).data, y = m(b).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = x[i] / y[i];
    }
  }

  @Override
  public void addScalar(Tensor a, float alpha, Tensor out) {
    Shapes.requireSame("addScalar", a, out);
    float[] x = m(a).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = x[i] + alpha;
    }
  }

  @Override
  public void sqrt(Tensor a, Tensor out) {
    Shapes.requireSame("sqrt", a, out);
    float[] x = m(a).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = (float) Math.sqrt(x[i]);
    }
  }

  @Override
  public void scale(float alpha, Tensor a, Tensor out) {
    Shapes.requireSame("scale", a, out);
    float[] x = m(a).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = alpha * x[i];
    }
  }

  @Override
  public void axpy(float alpha, Tensor x, Tensor y) {
    Shapes.requireSame("axpy", x, y);
    float[] a = m(x).data, b = m(y).data;
    int n = (int) x.size();
    if (vector == null) {
      for (int i = 0; i < n; i++) {
        b[i] += alpha * a[i];
      }
      return;
    }
    // the optimizer's update of every weight: worth both cores when large
    int parts = n >= Math.min(PARALLEL_ELEMENTS, mtThreshold) ? workers.threads() : 1;
    workers.run(parts, p -> {
      int from = (int) ((long) n * p / parts), to = (int) ((long) n * (p + 1) / parts);
      vector.axpy(alpha, a, from, b, from, to - from);
    });
  }

  @Override
  public void addRowVector(Tensor a, Tensor row, Tensor out) {
    Shapes.requireRowVector("addRowVector", a, row);
    Shapes.requireSame("addRowVector", a, out);
    float[] x = m(a).data, r = m(row).data, z = m(out).data;
    int rows = a.rows(), cols = a.cols();
    for (int i = 0, o = 0; i < rows; i++, o += cols) {
      for (int j = 0; j < cols; j++) {
        z[o + j] = x[o + j] + r[j];
      }
    }
  }

  @Override
  public void clip(Tensor a, float lo, float hi, Tensor out) {
    Shapes.requireSame("clip", a, out);
    float[] x = m(a).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = Math.min(Math.max(x[i], lo), hi);
    }
  }

  @Override
  public void indicator(Tensor a, float lo, float hi, Tensor out) {
    Shapes.requireSame("indicator", a, out);
    float[] x = m(a).data, z = m(out).data;
    int n = (int) a.size();
    for (int i = 0; i < n; i++) {
      z[i] = x[i] >= lo && x[i] <= hi ? 1f : 0f;
    }
  }

  @Override
  public void sumRows(Tensor a, Tensor out) {
    Shapes.requireShape("sumRows", out, 1, a.cols());
    float[] x = m(a).data, z = m(out).data;
    int rows = a.rows(), cols = a.cols();
    if (x == z) {
      return; // a 1 x n tensor summed into itself
    }
    java.util.Arrays.fill(z, 0, cols, 0f);
    for (int i = 0, o = 0; i < rows; i++, o += cols) {
      for (int j = 0; j < cols; j++) {
        z[j] += x[o + j];
      }
    }
  }

  @Override
  public void rowDot(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("rowDot", a, b);
    Shapes.requireShape("rowDot", out, a.rows(), 1);
    float[] x = m(a).data, y = m(b).data, z = m(out).data;
    int rows = a.rows(), cols = a.cols();
    for (int i = 0, o = 0; i < rows; i++, o += cols) {
      float s = 0f;
      for (int j = 0; j < cols; j++) {
        s += x[o + j] * y[o + j];
      }
      z[i] = s;
    }
  }

  @Override
  public void argmaxRows(Tensor a, int[] out) {
    if (out.length != a.rows()) {
      throw new org.eqprop.api.tensor.ShapeMismatchException(
          "argmaxRows: " + a.shape() + " needs an array of " + a.rows() + ", got " + out.length);
    }
    float[] x = m(a).data;
    int cols = a.cols();
    for (int i = 0, o = 0; i < out.length; i++, o += cols) {
      int best = 0;
      for (int j = 1; j < cols; j++) {
        if (x[o + j] > x[o + best]) {
          best = j;
        }
      }
      out[i] = best;
    }
  }

  @Override
  public void gatherRows(Tensor src, int[] rows, Tensor dst) {
    Shapes.requireShape("gatherRows", dst, rows.length, src.cols());
    Shapes.requireRowIndices("gatherRows", rows, src.rows());
    float[] x = m(src).data, z = m(dst).data;
    int cols = src.cols();
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(x, rows[r] * cols, z, r * cols, cols);
    }
  }

  @Override
  public void scatterRows(Tensor src, int[] rows, Tensor dst) {
    Shapes.requireShape("scatterRows", src, rows.length, dst.cols());
    Shapes.requireRowIndices("scatterRows", rows, dst.rows());
    float[] x = m(src).data, z = m(dst).data;
    int cols = dst.cols();
    for (int r = 0; r < rows.length; r++) {
      System.arraycopy(x, r * cols, z, rows[r] * cols, cols);
    }
  }

  @Override
  public void softmaxRows(Tensor a, Tensor out) {
    Shapes.requireSame("softmaxRows", a, out);
    float[] x = m(a).data, z = m(out).data;
    int rows = a.rows(), cols = a.cols();
    for (int i = 0, o = 0; i < rows; i++, o += cols) {
      float max = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, x[o + j]);
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        float e = (float) Math.exp(x[o + j] - max);
        z[o + j] = e;
        sum += e;
      }
      for (int j = 0; j < cols; j++) {
        z[o + j] = (float) (z[o + j] / sum);
      }
    }
  }

  @Override
  public float maxAbs(Tensor t) {
    float[] x = m(t).data;
    int n = (int) t.size();
    float max = 0f;
    for (int i = 0; i < n; i++) {
      float v = Math.abs(x[i]);
      if (v > max) {
        max = v;
      } else if (Float.isNaN(v)) {
        return Float.NaN;
      }
    }
    return max;
  }

  @Override
  public boolean isFinite(Tensor t) {
    float[] x = m(t).data;
    int n = (int) t.size();
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(x[i])) {
        return false;
      }
    }
    return true;
  }

  /** The convolutions as products ({@link Im2col}); created on first use. */
  private Im2col im2col;

  private Im2col im2col() {
    if (im2col == null) {
      im2col = new Im2col(kernel, vector != null ? vector : new Lanes.Scalar(), workers, mtThreshold);
    }
    return im2col;
  }

  @Override
  public void conv2d(Tensor input, Tensor weights, ConvGeometry g, float beta, Tensor out) {
    g.requireShapes("conv2d", input, weights, out);
    im2col().forward(data(input), input.rows(), data(weights), g, beta, data(out));
  }

  @Override
  public void conv2dTranspose(Tensor out, Tensor weights, ConvGeometry g, float beta, Tensor input) {
    g.requireShapes("conv2dTranspose", input, weights, out);
    im2col().transpose(data(out), out.rows(), data(weights), g, beta, data(input));
  }

  @Override
  public void conv2dWeightGradient(Tensor input, Tensor out, ConvGeometry g, float alpha, Tensor weights) {
    g.requireShapes("conv2dWeightGradient", input, weights, out);
    im2col().weightGradient(data(input), input.rows(), data(out), g, alpha, data(weights));
  }

  /**
   * Pooling on the tensors' own arrays (the generic form without its host copies), the samples
   * split over the threads when the input is large.
   */
  @Override
  public void pool(Tensor input, PoolGeometry g, Tensor out, Tensor selection) {
    HostPooling.requireShapes("pool", g, input, out, selection);
    float[] in = data(input), o = data(out), picked = g.max() ? data(selection) : null;
    int batch = input.rows();
    int parts = poolingParts(input);
    workers.run(parts, p -> HostPooling.pool(in, g, batch * p / parts, batch * (p + 1) / parts, o, picked));
  }

  @Override
  public void unpool(Tensor out, Tensor selection, PoolGeometry g, float beta, Tensor input) {
    HostPooling.requireShapes("unpool", g, input, out, selection);
    float[] o = data(out), picked = g.max() ? data(selection) : null, in = data(input);
    int batch = out.rows();
    int parts = poolingParts(input);
    workers.run(parts, p -> HostPooling.unpool(o, picked, g, batch * p / parts, batch * (p + 1) / parts, beta, in));
  }

  /** Every thread (at most one per sample) for a pooling of this large an input, else one. */
  private int poolingParts(Tensor input) {
    return input.size() >= Math.min(PARALLEL_ELEMENTS, mtThreshold) ? Math.min(workers.threads(), input.rows()) : 1;
  }

  @Override
  public void close() {
    if (im2col != null) {
      im2col.close();
    }
    workers.close();
  }
}
