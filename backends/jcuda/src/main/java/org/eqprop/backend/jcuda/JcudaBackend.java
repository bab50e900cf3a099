package org.eqprop.backend.jcuda;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.HostPooling;
import org.eqprop.api.tensor.HostRead;
import org.eqprop.api.tensor.PoolGeometry;
import org.eqprop.api.tensor.ShapeMismatchException;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;

/**
 * {@link Backend} on a GPU through the CUDA driver API: every tensor lives in device memory and
 * every operation is one launch of eqprop's own kernels ({@code eqprop_kernels.cu}), queued on one
 * stream without waiting. Only {@link #download}, {@link #argmaxRows(Tensor, int[])}, {@link
 * #maxAbs} and {@link #isFinite} wait for the device, as they return values to the host; {@link
 * #readLater} waits only when its values are asked for ({@link #readsLater()}). Offers the kernels
 * (through {@link #extension}) {@link ChainRelaxation} (a whole phase in one launch, the energy in
 * another), {@link ChainPhases} (both phases and the report between them in one launch, with {@code relaxation}
 * {@code auto} or {@code kernel}), {@link
 * ChainContrast} (one launch) and {@link AdamUpdate}. Convolutions, their transposes and weight
 * gradients, pooling and its adjoint are direct kernels, one thread per element of the result.
 */
final class JcudaBackend implements Backend {
  /** The backend's name. */
  static final String NAME = "jcuda";
  /** Threads of a block for element-wise and per-row kernels ({@code EQ_REDUCE_THREADS}). */
  static final int THREADS = 256;
  /**
   * Bytes of the kernels' {@code EqContrast} argument: six arrays of {@link JcudaRelaxation#MAX_FREE}
   * addresses, two of as many scales, the {@code MAX_FREE + 1} sizes, the batch and the layer count,
   * padded to the struct's 8-byte alignment.
   */
  static final int CONTRAST_BYTES =
      (6 * 8 * JcudaRelaxation.MAX_FREE + 2 * 4 * JcudaRelaxation.MAX_FREE + 4 * (JcudaRelaxation.MAX_FREE + 3) + 7) / 8 * 8;
  private static final int MAX_BLOCKS = 4096;
  private static final int ROW_BLOCKS = 65535;
  private static final int MAX_ABS_BLOCKS = 256;

  private final Device device;
  private final boolean tf32;
  private final JcudaRelaxation relaxation;
  private final Set<JcudaTensor> live = Collections.newSetFromMap(new IdentityHashMap<>());
  private final long maxAbsPartial;
  private final float[] partialHost = new float[MAX_ABS_BLOCKS];
  private long indices;
  private int indicesCapacity;
  private boolean closed;

  JcudaBackend(Device device, JcudaRelaxation.Mode mode) {
    this(device, mode, false);
  }

  /**
   * @param tf32 products of {@code gemm} and of the step relaxation on TF32 tensor cores (operands
   *     rounded to 10 bits of mantissa, sums in fp32)
   */
  JcudaBackend(Device device, JcudaRelaxation.Mode mode, boolean tf32) {
    this.tf32 = tf32;
    this.device = device;
    this.maxAbsPartial = device.alloc((long) MAX_ABS_BLOCKS * Float.BYTES);
    this.relaxation = new JcudaRelaxation(this, mode);
  }

  @Override
  public String name() {
    return NAME;
  }

  Device device() {
    return device;
  }

  /** Whether products run on TF32 tensor cores. */
  boolean tf32() {
    return tf32;
  }

  long address(Tensor t) {
    if (t instanceof JcudaTensor j && j.owner == this) {
      if (j.isClosed()) {
        throw new IllegalStateException("tensor " + t + " was closed");
      }
      return j.address;
    }
    throw new IllegalArgumentException("tensor " + t + " does not belong to this " + NAME + " backend");
  }

  void launch(Kernel kernel, int gridX, int gridY, int blockX, int blockY, int shared, KernelArgs args) {
    kernel.check(args);
    device.launch(kernel.entry, gridX, gridY, blockX, blockY, shared, args);
  }

  /** Blocks of {@link #THREADS} for a grid-stride loop over {@code n} elements. */
  private static int blocks(long n) {
    return (int) Math.max(1, Math.min(MAX_BLOCKS, (n + THREADS - 1) / THREADS));
  }

  private static int n(Tensor t) {
    return (int) t.size();
  }

  void elementwise(Kernel kernel, long n, KernelArgs args) {
    launch(kernel, blocks(n), 1, THREADS, 1, 0, args);
  }

  @Override
  public Tensor zeros(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("tensor dimensions must be positive: " + rows + "x" + cols);
    }
    if ((long) rows * cols > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a jcuda tensor holds fewer than 2^31 elements, " + rows + "x" + cols + " does not");
    }
    if (closed) {
      throw new IllegalStateException("the jcuda backend is closed");
    }
    JcudaTensor t = new JcudaTensor(this, device.alloc((long) rows * cols * Float.BYTES), rows, cols);
    live.add(t);
    return t;
  }

  void release(JcudaTensor t) {
    if (live.remove(t) && !closed) {
      device.free(t.address);
    }
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    Shapes.requireLength("upload", dst, src.length);
    device.upload(src, src.length, address(dst));
  }

  @Override
  public void download(Tensor src, float[] dst) {
    Shapes.requireLength("download", src, dst.length);
    device.download(address(src), dst, dst.length);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    Shapes.requireSame("copy", src, dst);
    if (src != dst) {
      device.copy(address(src), address(dst), src.size() * Float.BYTES);
    }
  }

  @Override
  public void fill(Tensor t, float value) {
    unary(UnaryOp.FILL, t, t, value, 0f);
  }

  @Override
  public void gemm(float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor c) {
    Shapes.requireGemm(a, transA, b, transB, c);
    if (c == a || c == b) {
      throw new IllegalArgumentException("gemm: c must not alias a or b");
    }
    int m = c.rows();
    int n = c.cols();
    int k = transA ? a.rows() : a.cols();
    launch(tf32 ? Kernel.GEMM_TF32 : Kernel.GEMM, (n + 63) / 64, (m + 63) / 64, 16, 16, 0,
        new KernelArgs().i32(m).i32(n).i32(k).f32(alpha).ptr(address(a)).i32(transA ? 1 : 0)
            .ptr(address(b)).i32(transB ? 1 : 0).f32(beta).ptr(address(c)));
  }

  private void binary(String op, BinaryOp code, Tensor a, Tensor b, Tensor out, float alpha) {
    Shapes.requireSame(op, a, b);
    Shapes.requireSame(op, a, out);
    elementwise(Kernel.BINARY, a.size(),
        new KernelArgs().i32(code.code()).ptr(address(a)).ptr(address(b)).ptr(address(out)).i32(n(a)).f32(alpha));
  }

  private void unary(UnaryOp code, Tensor a, Tensor out, float p, float q) {
    elementwise(Kernel.UNARY, a.size(),
        new KernelArgs().i32(code.code()).ptr(address(a)).ptr(address(out)).i32(n(a)).f32(p).f32(q));
  }

  @Override
  public void add(Tensor a, Tensor b, Tensor out) {
    binary("add", BinaryOp.ADD, a, b, out, 0f);
  }

  @Override
  public void sub(Tensor a, Tensor b, Tensor out) {
    binary("sub", BinaryOp.SUB, a, b, out, 0f);
  }

  @Override
  public void mul(Tensor a, Tensor b, Tensor out) {
    binary("mul", BinaryOp.MUL, a, b, out, 0f);
  }

  @Override
  public void div(Tensor a, Tensor b, Tensor out) {
    binary("div", BinaryOp.DIV, a, b, out, 0f);
  }

  @Override
  public void axpy(float alpha, Tensor x, Tensor y) {
    Shapes.requireSame("axpy", x, y);
    binary("axpy", BinaryOp.AXPY, y, x, y, alpha);
  }

  @Override
  public void scale(float alpha, Tensor a, Tensor out) {
    Shapes.requireSame("scale", a, out);
    unary(UnaryOp.SCALE, a, out, alpha, 0f);
  }

  @Override
  public void addScalar(Tensor a, float alpha, Tensor out) {
    Shapes.requireSame("addScalar", a, out);
    unary(UnaryOp.ADD_SCALAR, a, out, alpha, 0f);
  }

  @Override
  public void sqrt(Tensor a, Tensor out) {
    Shapes.requireSame("sqrt", a, out);
    unary(UnaryOp.SQRT, a, out, 0f, 0f);
  }

  @Override
  public void clip(Tensor a, float lo, float hi, Tensor out) {
    Shapes.requireSame("clip", a, out);
    unary(UnaryOp.CLIP, a, out, lo, hi);
  }

  @Override
  public void indicator(Tensor a, float lo, float hi, Tensor out) {
    Shapes.requireSame("indicator", a, out);
    unary(UnaryOp.INDICATOR, a, out, lo, hi);
  }

  @Override
  public void addRowVector(Tensor a, Tensor row, Tensor out) {
    Shapes.requireRowVector("addRowVector", a, row);
    Shapes.requireSame("addRowVector", a, out);
    elementwise(Kernel.ADD_ROW, a.size(),
        new KernelArgs().ptr(address(a)).ptr(address(row)).ptr(address(out)).i32(a.rows()).i32(a.cols()));
  }

  @Override
  public void sumRows(Tensor a, Tensor out) {
    Shapes.requireShape("sumRows", out, 1, a.cols());
    elementwise(Kernel.SUM_ROWS, a.cols(),
        new KernelArgs().ptr(address(a)).ptr(address(out)).i32(a.rows()).i32(a.cols()));
  }

  private void perRow(Kernel kernel, int rows, KernelArgs args) {
    launch(kernel, Math.min(rows, ROW_BLOCKS), 1, THREADS, 1, 0, args);
  }

  @Override
  public void rowDot(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("rowDot", a, b);
    Shapes.requireShape("rowDot", out, a.rows(), 1);
    perRow(Kernel.ROW_DOT, a.rows(),
        new KernelArgs().ptr(address(a)).ptr(address(b)).ptr(address(out)).i32(a.rows()).i32(a.cols()));
  }

  @Override
  public void softmaxRows(Tensor a, Tensor out) {
    Shapes.requireSame("softmaxRows", a, out);
    perRow(Kernel.SOFTMAX_ROWS, a.rows(),
        new KernelArgs().ptr(address(a)).ptr(address(out)).i32(a.rows()).i32(a.cols()));
  }

  /** A device buffer of at least {@code count} ints, reused between calls. */
  private long indices(int count) {
    if (count > indicesCapacity) {
      if (indicesCapacity > 0) {
        device.free(indices);
      }
      indicesCapacity = Math.max(count, 2 * indicesCapacity);
      indices = device.alloc((long) indicesCapacity * Integer.BYTES);
    }
    return indices;
  }

  @Override
  public void argmaxRows(Tensor a, int[] out) {
    if (out.length != a.rows()) {
      throw new ShapeMismatchException(
          "argmaxRows: " + a.shape() + " needs an array of " + a.rows() + ", got " + out.length);
    }
    long idx = indices(out.length);
    perRow(Kernel.ARGMAX_ROWS, a.rows(),
        new KernelArgs().ptr(address(a)).ptr(idx).i32(a.rows()).i32(a.cols()).i32(0));
    device.download(idx, out, out.length);
  }

  @Override
  public void argmaxRows(Tensor a, Tensor out) {
    Shapes.requireShape("argmaxRows", out, a.rows(), 1);
    perRow(Kernel.ARGMAX_ROWS, a.rows(),
        new KernelArgs().ptr(address(a)).ptr(address(out)).i32(a.rows()).i32(a.cols()).i32(1));
  }

  @Override
  public HostRead readLater(Tensor t) {
    return device.downloadLater(address(t), n(t));
  }

  private void moveRows(int scatter, Tensor src, int[] rows, Tensor dst) {
    long idx = indices(rows.length);
    device.upload(rows, rows.length, idx);
    elementwise(Kernel.MOVE_ROWS, (long) rows.length * src.cols(),
        new KernelArgs().i32(scatter).ptr(address(src)).ptr(idx).ptr(address(dst)).i32(rows.length).i32(src.cols()));
  }

  @Override
  public void gatherRows(Tensor src, int[] rows, Tensor dst) {
    Shapes.requireShape("gatherRows", dst, rows.length, src.cols());
    Shapes.requireRowIndices("gatherRows", rows, src.rows());
    moveRows(0, src, rows, dst);
  }

  @Override
  public void scatterRows(Tensor src, int[] rows, Tensor dst) {
    Shapes.requireShape("scatterRows", src, rows.length, dst.cols());
    Shapes.requireRowIndices("scatterRows", rows, dst.rows());
    moveRows(1, src, rows, dst);
  }

  /** A convolution kernel's arguments: three tensors, the batch and {@code g}'s sizes, then {@code scale}. */
  private KernelArgs conv(Tensor a, Tensor b, Tensor c, int batch, ConvGeometry g, float scale) {
    return new KernelArgs().ptr(address(a)).ptr(address(b)).ptr(address(c)).i32(batch).i32(g.inChannels())
        .i32(g.inHeight()).i32(g.inWidth()).i32(g.outChannels()).i32(g.kernel()).i32(g.stride())
        .i32(g.padding()).i32(g.outHeight()).i32(g.outWidth()).f32(scale);
  }

  @Override
  public void conv2d(Tensor input, Tensor weights, ConvGeometry g, float beta, Tensor out) {
    g.requireShapes("conv2d", input, weights, out);
    elementwise(Kernel.CONV2D, out.size(), conv(input, weights, out, input.rows(), g, beta));
  }

  @Override
  public void conv2dTranspose(Tensor out, Tensor weights, ConvGeometry g, float beta, Tensor input) {
    g.requireShapes("conv2dTranspose", input, weights, out);
    elementwise(Kernel.CONV2D_TRANSPOSE, input.size(), conv(out, weights, input, out.rows(), g, beta));
  }

  @Override
  public void conv2dWeightGradient(Tensor input, Tensor out, ConvGeometry g, float alpha, Tensor weights) {
    g.requireShapes("conv2dWeightGradient", input, weights, out);
    elementwise(Kernel.CONV2D_WEIGHT_GRADIENT, weights.size(), conv(input, out, weights, input.rows(), g, alpha));
  }

  @Override
  public void pool(Tensor input, PoolGeometry g, Tensor out, Tensor selection) {
    HostPooling.requireShapes("pool", g, input, out, selection);
    // average pooling writes no selection: its argument is the output, never read
    elementwise(Kernel.POOL, out.size(), new KernelArgs().ptr(address(input)).ptr(address(out))
        .ptr(address(g.max() ? selection : out)).i32(input.rows()).i32(g.channels()).i32(g.height())
        .i32(g.width()).i32(g.size()).i32(g.max() ? 1 : 0));
  }

  @Override
  public void unpool(Tensor out, Tensor selection, PoolGeometry g, float beta, Tensor input) {
    HostPooling.requireShapes("unpool", g, input, out, selection);
    elementwise(Kernel.UNPOOL, input.size(), new KernelArgs().ptr(address(out))
        .ptr(address(g.max() ? selection : out)).ptr(address(input)).i32(input.rows()).i32(g.channels())
        .i32(g.height()).i32(g.width()).i32(g.size()).i32(g.max() ? 1 : 0).f32(beta));
  }

  @Override
  public float maxAbs(Tensor t) {
    int blocks = (int) Math.max(1, Math.min(MAX_ABS_BLOCKS, (t.size() + THREADS - 1) / THREADS));
    launch(Kernel.MAX_ABS, blocks, 1, THREADS, 1, 0,
        new KernelArgs().ptr(address(t)).i32(n(t)).ptr(maxAbsPartial));
    device.download(maxAbsPartial, partialHost, blocks);
    float m = 0f;
    for (int i = 0; i < blocks; i++) {
      if (Float.isNaN(partialHost[i])) {
        return Float.NaN;
      }
      m = Math.max(m, partialHost[i]);
    }
    return m;
  }

  @Override
  public boolean isFinite(Tensor t) {
    return Float.isFinite(maxAbs(t));
  }

  @Override
  public boolean readsLater() {
    return true;
  }

  @Override
  public <T> Optional<T> extension(Class<T> kernel) {
    Object offered = null;
    if (kernel == ChainRelaxation.class) {
      offered = chainRelaxation();
    } else if (kernel == ChainPhases.class && relaxation.runsPhases()) {
      offered = chainPhases();
    } else if (kernel == ChainContrast.class) {
      offered = chainContrast();
    } else if (kernel == AdamUpdate.class) {
      offered = adamUpdate();
    }
    return Optional.ofNullable(offered).map(kernel::cast);
  }

  /**
   * One launch of {@code eq_contrast} for every layer's weights and bias (per {@link
   * JcudaRelaxation#MAX_FREE} layers): {@code ρ} and the states' difference taken as its tiles load.
   */
  private ChainContrast chainContrast() {
    return (rhoX, a, b, weightScales, biasScales, weights, biases) -> {
      int[] n = ChainContrast.check(rhoX, a, b, weightScales, biasScales, weights, biases);
      for (int from = 0; from < n.length - 1; from += JcudaRelaxation.MAX_FREE) {
        int layers = Math.min(JcudaRelaxation.MAX_FREE, n.length - 1 - from);
        // EqContrast as longs: six arrays of f addresses, then two of f floats and the f + 3 ints
        int f = JcudaRelaxation.MAX_FREE;
        int scales = 6 * f;
        int ints = scales + f;
        long[] c = new long[CONTRAST_BYTES / 8];
        int blocks = 0;
        for (int i = 0; i < layers; i++) {
          int k = from + i + 1;
          c[i] = address(k == 1 ? rhoX : a.get(k - 2));
          c[f + i] = k == 1 ? 0L : address(b.get(k - 2));
          c[2 * f + i] = address(a.get(k - 1));
          c[3 * f + i] = address(b.get(k - 1));
          c[4 * f + i] = address(weights.get(k - 1));
          c[5 * f + i] = address(biases.get(k - 1));
          c[scales + i / 2] |= half(Float.floatToRawIntBits(weightScales[k - 1]), i);
          c[scales + (f + i) / 2] |= half(Float.floatToRawIntBits(biasScales[k - 1]), f + i);
          blocks += (n[k] + 63) / 64 * ((n[k - 1] + 63) / 64) + (n[k] + 255) / 256;
        }
        // n[0..f], then the batch and the layer count
        for (int i = 0; i <= layers; i++) {
          c[ints + i / 2] |= half(n[from + i], i);
        }
        c[ints + (f + 1) / 2] |= half(rhoX.rows(), f + 1);
        c[ints + (f + 2) / 2] |= half(layers, f + 2);
        launch(Kernel.CONTRAST, blocks, 1, 16, 16, 0, new KernelArgs().struct(c, CONTRAST_BYTES));
      }
    };
  }

  /** {@code value} in the low ({@code i} even) or high half of a little-endian {@code long}. */
  private static long half(int value, int i) {
    return (value & 0xffffffffL) << (32 * (i % 2));
  }

  private ChainRelaxation chainRelaxation() {
    return relaxation;
  }

  /** Both phases of a training step in one launch where the per-sample kernel runs ({@link JcudaRelaxation}). */
  private ChainPhases chainPhases() {
    return relaxation;
  }

  private AdamUpdate adamUpdate() {
    return (param, grad, m, v, lr, beta1, beta2, epsilon, correction1, correction2, weightDecay) -> {
      Shapes.requireSame("adam-update", param, grad);
      Shapes.requireSame("adam-update", param, m);
      Shapes.requireSame("adam-update", param, v);
      elementwise(Kernel.ADAM, param.size(),
          new KernelArgs().ptr(address(param)).ptr(address(grad)).ptr(address(m)).ptr(address(v))
              .i32(n(param)).f32(lr).f32(beta1).f32(beta2).f32(epsilon).f32(correction1)
              .f32(correction2).f32(weightDecay));
    };
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    List<JcudaTensor> open = new ArrayList<>(live);
    for (JcudaTensor t : open) {
      t.close();
    }
    relaxation.close();
    closed = true;
    device.close();
  }
}
