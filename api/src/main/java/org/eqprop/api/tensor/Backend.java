package org.eqprop.api.tensor;

import java.util.Optional;

/**
 * The tensor operations every model, dynamics and learner is written against.
 *
 * <p>All tensors are dense row-major float32 matrices created by this backend. Operations write
 * their result into an {@code out} argument that the caller allocated with the right shape; shapes
 * are checked and a mismatch throws {@link ShapeMismatchException} naming the operation and both
 * shapes. Unless an operation says otherwise, {@code out} may be the same tensor as an input
 * (element-wise operations work in place); {@link #gemm} forbids {@code c} aliasing {@code a} or
 * {@code b}.
 *
 * <p>Beyond these, a backend may offer optional kernels through {@link #extension}; the caller
 * falls back to the core operations where one is missing.
 *
 * <p>A backend is not thread-safe: one training run uses it from one thread at a time. {@link
 * #close()} releases everything it holds (native handles, device memory).
 */
public interface Backend extends AutoCloseable {

  /** The name this backend is selected by, e.g. {@code ejml}. */
  String name();

  /** A new {@code rows × cols} tensor filled with zeros. */
  Tensor zeros(int rows, int cols);

  /** A new {@code rows × cols} tensor holding a copy of {@code data} (row-major). */
  default Tensor fromHost(float[] data, int rows, int cols) {
    Tensor t = zeros(rows, cols);
    upload(data, t);
    return t;
  }

  /** Copies {@code src} (row-major, exactly {@code dst.size()} values) into {@code dst}. */
  void upload(float[] src, Tensor dst);

  /** Copies {@code src} into {@code dst} (row-major, exactly {@code src.size()} values). */
  void download(Tensor src, float[] dst);

  /** A new host array holding the values of {@code t}, row-major. */
  default float[] toHost(Tensor t) {
    float[] out = new float[Math.toIntExact(t.size())];
    download(t, out);
    return out;
  }

  /**
   * Starts copying {@code t} to the host and returns without waiting where the backend can (those
   * say so in {@link #readsLater()}); {@link HostRead#get()} then waits for it. The copy holds
   * the values {@code t} has after all work issued before this call, even when later work
   * overwrites {@code t}. By default the values are read at once.
   */
  default HostRead readLater(Tensor t) {
    float[] values = toHost(t);
    return () -> values;
  }

  /** {@code dst = src}. */
  void copy(Tensor src, Tensor dst);

  /** Sets every element of {@code t} to {@code value}. */
  void fill(Tensor t, float value);

  /**
   * General matrix product {@code c = alpha·op(a)·op(b) + beta·c}, {@code op(x)} being {@code xᵀ}
   * when its flag is set. With {@code beta == 0} the old contents of {@code c} are ignored (even
   * NaN). {@code c} must not be {@code a} or {@code b}.
   */
  void gemm(float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor c);

  /** {@code out = a + b}, element-wise. */
  void add(Tensor a, Tensor b, Tensor out);

  /** {@code out = a − b}, element-wise. */
  void sub(Tensor a, Tensor b, Tensor out);

  /** {@code out = a ⊙ b}, the element-wise (Hadamard) product. */
  void mul(Tensor a, Tensor b, Tensor out);

  /** {@code out = a / b}, element-wise. */
  void div(Tensor a, Tensor b, Tensor out);

  /** {@code out = alpha·a}. */
  void scale(float alpha, Tensor a, Tensor out);

  /** {@code out = a + alpha}, element-wise. */
  void addScalar(Tensor a, float alpha, Tensor out);

  /** {@code out = √a}, element-wise (NaN where {@code a < 0}). */
  void sqrt(Tensor a, Tensor out);

  /** {@code y = y + alpha·x}. */
  void axpy(float alpha, Tensor x, Tensor y);

  /** {@code out[i][j] = a[i][j] + row[0][j]}: adds a {@code 1 × cols} vector to every row. */
  void addRowVector(Tensor a, Tensor row, Tensor out);

  /** {@code out = min(max(a, lo), hi)}, element-wise. */
  void clip(Tensor a, float lo, float hi, Tensor out);

  /**
   * {@code out = 1} where {@code lo ≤ a ≤ hi} and {@code 0} elsewhere (the derivative of {@link
   * #clip} as the authors of the paper take it, 1 on the closed interval).
   */
  void indicator(Tensor a, float lo, float hi, Tensor out);

  /** {@code out[0][j] = Σ_i a[i][j]}: sums the rows of {@code a} into a {@code 1 × cols} vector. */
  void sumRows(Tensor a, Tensor out);

  /** {@code out[i][0] = Σ_j a[i][j]·b[i][j]}: one dot product per row, into a {@code rows × 1} tensor. */
  void rowDot(Tensor a, Tensor b, Tensor out);

  /** {@code out[i][j] = exp(a[i][j]) / Σ_l exp(a[i][l])}: the softmax of each row. */
  void softmaxRows(Tensor a, Tensor out);

  /** {@code out[i] = argmax_j a[i][j]} (the first maximum on ties); {@code out.length == a.rows()}. */
  void argmaxRows(Tensor a, int[] out);

  /**
   * {@code out[i][0] = argmax_j a[i][j]} as a float (the first maximum on ties), into a {@code
   * rows × 1} tensor: the classes stay on the backend until read, for example with {@link
   * #readLater}. By default computed through {@link #argmaxRows(Tensor, int[])} and uploaded.
   */
  default void argmaxRows(Tensor a, Tensor out) {
    Shapes.requireShape("argmaxRows", out, a.rows(), 1);
    int[] classes = new int[a.rows()];
    argmaxRows(a, classes);
    float[] values = new float[classes.length];
    for (int i = 0; i < classes.length; i++) {
      values[i] = classes[i];
    }
    upload(values, out);
  }

  /** {@code dst[r] = src[rows[r]]} for every {@code r}: gathers rows of {@code src} into {@code dst}. */
  void gatherRows(Tensor src, int[] rows, Tensor dst);

  /** {@code dst[rows[r]] = src[r]} for every {@code r}: scatters the rows of {@code src} into {@code dst}. */
  void scatterRows(Tensor src, int[] rows, Tensor dst);

  /**
   * {@code out = beta·out + conv(input, weights)}: the 2-D convolution (cross-correlation) of each
   * sample's image ({@code input}: {@code n × inUnits}) with the kernels ({@code outChannels ×
   * kernelSize}), as {@code g} lays them out. By default computed on host copies ({@code
   * HostConvolution}); a backend overrides it with its own kernel.
   */
  default void conv2d(Tensor input, Tensor weights, ConvGeometry g, float beta, Tensor out) {
    g.requireShapes("conv2d", input, weights, out);
    float[] result = beta == 0f ? new float[Math.toIntExact(out.size())] : toHost(out);
    HostConvolution.forward(toHost(input), toHost(weights), g, input.rows(), beta, result);
    upload(result, out);
  }

  /**
   * {@code input = beta·input + convᵀ(out, weights)}: the adjoint of {@link #conv2d} in its input,
   * the drive a convolution's output layer puts on its input layer. By default on host copies.
   */
  default void conv2dTranspose(Tensor out, Tensor weights, ConvGeometry g, float beta, Tensor input) {
    g.requireShapes("conv2dTranspose", input, weights, out);
    float[] result = beta == 0f ? new float[Math.toIntExact(input.size())] : toHost(input);
    HostConvolution.transpose(toHost(out), toHost(weights), g, out.rows(), beta, result);
    upload(result, input);
  }

  /**
   * {@code weights += alpha · Σ_samples ∂⟨conv(input, weights), out⟩/∂weights}: a convolution's
   * weight gradient (the correlation of each input patch with the output), summed over the batch.
   * By default on host copies.
   */
  default void conv2dWeightGradient(Tensor input, Tensor out, ConvGeometry g, float alpha, Tensor weights) {
    g.requireShapes("conv2dWeightGradient", input, weights, out);
    float[] w = toHost(weights);
    HostConvolution.weightGradient(toHost(input), toHost(out), g, input.rows(), alpha, w);
    upload(w, weights);
  }

  /**
   * Pools each sample of {@code input} ({@code n × g.inUnits()}) into {@code out} ({@code n ×
   * g.outUnits()}); for max pooling {@code selection} ({@code n × g.outUnits()}) receives, as a
   * float, the offset within the sample of each window's largest value, which {@link #unpool} sends
   * back through; average pooling takes no selection (null). By default on host copies.
   */
  default void pool(Tensor input, PoolGeometry g, Tensor out, Tensor selection) {
    HostPooling.requireShapes("pool", g, input, out, selection);
    float[] result = new float[Math.toIntExact(out.size())];
    float[] picked = g.max() ? new float[result.length] : null;
    HostPooling.pool(toHost(input), g, input.rows(), result, picked);
    upload(result, out);
    if (picked != null) {
      upload(picked, selection);
    }
  }

  /**
   * {@code input = beta·input + Pᵀ(out)}: the adjoint of {@link #pool} — each value of {@code out}
   * goes back to the input its window selected (max pooling, by {@code selection}) or is spread
   * evenly over its window (average pooling). By default on host copies.
   */
  default void unpool(Tensor out, Tensor selection, PoolGeometry g, float beta, Tensor input) {
    HostPooling.requireShapes("unpool", g, input, out, selection);
    float[] result = beta == 0f ? new float[Math.toIntExact(input.size())] : toHost(input);
    HostPooling.unpool(toHost(out), g.max() ? toHost(selection) : null, g, out.rows(), beta, result);
    upload(result, input);
  }

  /** {@code max |t[i][j]|} over every element (NaN if any element is NaN). */
  float maxAbs(Tensor t);

  /** Whether every element of {@code t} is finite (no NaN, no infinity). */
  boolean isFinite(Tensor t);

  /**
   * An optional kernel this backend offers beyond the core operations, by the kernel's interface:
   * for example a fused relaxation of the layered network, whose interface belongs to the code that
   * calls it, not to this api. Empty where the backend does not offer it (the default); callers then
   * run the same computation from the core operations. What a backend offers is fixed for its life.
   *
   * @param kernel the kernel's interface
   */
  default <T> Optional<T> extension(Class<T> kernel) {
    return Optional.empty();
  }

  /**
   * Whether {@link #readLater} returns before the values arrive, so that work issued after it
   * overlaps the copy: a learner then defers what it reads (see {@link
   * org.eqprop.api.Learner#trainLater}). False by default.
   */
  default boolean readsLater() {
    return false;
  }

  /** Releases everything this backend holds. Tensors it created must not be used afterwards. */
  @Override
  void close();
}
