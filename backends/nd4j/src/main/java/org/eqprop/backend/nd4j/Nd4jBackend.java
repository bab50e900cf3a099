package org.eqprop.backend.nd4j;

import java.nio.FloatBuffer;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.ShapeMismatchException;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainRelaxation;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.clip.ClipByValue;
import org.nd4j.linalg.factory.Environment;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@link Backend} on ND4J: products, copies and axpys straight into the OpenBLAS ND4J ships
 * ({@link Blas}: ND4J's own {@code gemm} spends most of a small product's time outside it), large
 * products through libnd4j's oneDNN matmul on every core ({@link Products}), element-wise work
 * through ND4J's native ops. Host transfers write and read the native buffers
 * directly; convolutions through ND4J's native ops ({@link Nd4jConvolution}). Offers the
 * {@link ChainRelaxation} kernel through {@link #extension}.
 */
public final class Nd4jBackend implements Backend {
  /** The backend's name. */
  public static final String NAME = "nd4j";

  private final Nd4jChainRelaxation chainRelaxation;
  private final Nd4jConvolution convolution;
  private final int blasThreads;
  private int blasThreadsNow;
  /** The parts a batch is relaxed in: also the OpenMP threads of a product through oneDNN. */
  private final int threads;
  private final Products products;
  /** A column of ones, {@code rows × 1}, for row broadcasts and column sums as products; grown on demand. */
  private Nd4jTensor ones;

  /**
   * @param threads the parts a batch is relaxed in, each on a thread of its own; also the OpenMP
   *     threads of the large products through oneDNN
   * @param blasThreads OpenBLAS's threads for the other products cblas multiplies
   * @param products what multiplies: in the chain's relaxation, and the backend's other products
   */
  Nd4jBackend(int threads, int blasThreads, Products products) {
    this.blasThreads = blasThreads;
    this.blasThreadsNow = blasThreads;
    this.threads = threads;
    this.products = products;
    this.chainRelaxation = new Nd4jChainRelaxation(this, threads, products);
    this.convolution = new Nd4jConvolution(this, threads);
  }

  /**
   * Runs {@code work} with ND4J's oneDNN helpers allowed and the calling thread's OpenMP threads
   * raised to {@code n}, then sets them back (no helpers, one OpenMP thread): the large products.
   * The helpers flag is the process's.
   */
  void withOneDnn(int n, Runnable work) {
    Environment env = Nd4j.getEnvironment();
    env.allowHelpers(true);
    NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(n);
    try {
      work.run();
    } finally {
      env.allowHelpers(false);
      NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
    }
  }

  /**
   * As {@link #withOneDnn}, with ND4J's own thread limits and OpenBLAS's threads raised to {@code n}
   * too, then set back (one thread, the configured BLAS threads). These settings are the process's:
   * the convolutions, its only callers, run one at a time.
   */
  void withNativeOps(int n, Runnable work) {
    Environment env = Nd4j.getEnvironment();
    env.setMaxThreads(n);
    env.setMaxMasterThreads(n);
    blasThreads(n);
    try {
      withOneDnn(n, work);
    } finally {
      env.setMaxThreads(1);
      env.setMaxMasterThreads(1);
      blasThreads(0);
    }
  }

  /**
   * Sets OpenBLAS's threads (a process-wide setting) to {@code n}, or back to the configured number
   * when {@code n} is 0: parts relaxed on several threads each multiply on one.
   */
  void blasThreads(int n) {
    int want = n == 0 ? blasThreads : n;
    if (want != blasThreadsNow) {
      Nd4j.factory().blas().setMaxThreads(want);
      blasThreadsNow = want;
    }
  }

  @Override
  public <T> Optional<T> extension(Class<T> kernel) {
    if (kernel == ChainRelaxation.class) {
      return Optional.of(kernel.cast(chainRelaxation));
    }
    return Optional.empty();
  }

  private FloatPointer ones(int rows) {
    if (ones == null || ones.rows() < rows) {
      if (ones != null) {
        ones.close();
      }
      ones = new Nd4jTensor(this, Nd4j.ones(DataType.FLOAT, rows, 1));
    }
    return ones.ptr;
  }

  @Override
  public String name() {
    return NAME;
  }

  private INDArray a(Tensor t) {
    if (t instanceof Nd4jTensor n && n.owner == this) {
      return n.a;
    }
    throw new IllegalArgumentException("tensor " + t + " does not belong to this " + NAME + " backend");
  }

  private FloatPointer p(Tensor t) {
    a(t);
    return ((Nd4jTensor) t).ptr;
  }

  private static FloatBuffer buffer(INDArray a) {
    return a.data().asNioFloat();
  }

  @Override
  public Tensor zeros(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("tensor dimensions must be positive: " + rows + "x" + cols);
    }
    return new Nd4jTensor(this, Nd4j.zeros(DataType.FLOAT, rows, cols));
  }

  @Override
  public void upload(float[] src, Tensor dst) {
    Shapes.requireLength("upload", dst, src.length);
    FloatBuffer b = buffer(a(dst));
    b.position(0);
    b.put(src, 0, src.length);
  }

  @Override
  public void download(Tensor src, float[] dst) {
    Shapes.requireLength("download", src, dst.length);
    FloatBuffer b = buffer(a(src));
    b.position(0);
    b.get(dst, 0, dst.length);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    Shapes.requireSame("copy", src, dst);
    Blas.copy((int) src.size(), p(src), p(dst));
  }

  @Override
  public void fill(Tensor t, float value) {
    a(t).assign(value);
  }

  @Override
  public void gemm(float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta, Tensor c) {
    Shapes.requireGemm(a, transA, b, transB, c);
    if (c == a || c == b) {
      throw new IllegalArgumentException("gemm: c must not alias a or b");
    }
    int k = transA ? a.rows() : a.cols();
    if (products.viaMatmulOnCores(c.rows(), k, c.cols(), transA)) {
      // a large product (the input drive, the weights' contrast) through oneDNN on every core: on
      // one thread through ND4J's OpenBLAS (AVX2 kernels on an AVX-512 machine) paper-1h's 256 × 784
      // × 500 ones took half of its step (Products, docs/benchmarks.md "ND4J")
      Mmul op = new Mmul(a(a), a(b), a(c), alpha, beta,
          MMulTranspose.builder().transposeA(transA).transposeB(transB).build());
      withOneDnn(threads, () -> Nd4j.exec(op));
      return;
    }
    Blas.gemm(transA, transB, c.rows(), c.cols(), k, alpha, p(a), p(b), beta, p(c));
  }

  @Override
  public void add(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("add", a, b);
    Shapes.requireSame("add", a, out);
    a(a).add(a(b), a(out));
  }

  @Override
  public void sub(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("sub", a, b);
    Shapes.requireSame("sub", a, out);
    a(a).sub(a(b), a(out));
  }

  @Override
  public void mul(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("mul", a, b);
    Shapes.requireSame("mul", a, out);
    a(a).mul(a(b), a(out));
  }

  @Override
  public void div(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("div", a, b);
    Shapes.requireSame("div", a, out);
    a(a).div(a(b), a(out));
  }

  @Override
  public void addScalar(Tensor a, float alpha, Tensor out) {
    Shapes.requireSame("addScalar", a, out);
    a(a).add(alpha, a(out));
  }

  @Override
  public void sqrt(Tensor a, Tensor out) {
    Shapes.requireSame("sqrt", a, out);
    try (INDArray root = Transforms.sqrt(a(a), true)) {
      a(out).assign(root);
    }
  }

  @Override
  public void scale(float alpha, Tensor a, Tensor out) {
    Shapes.requireSame("scale", a, out);
    a(a).mul(alpha, a(out));
  }

  @Override
  public void axpy(float alpha, Tensor x, Tensor y) {
    Shapes.requireSame("axpy", x, y);
    Blas.axpy((int) x.size(), alpha, p(x), p(y));
  }

  @Override
  public void addRowVector(Tensor a, Tensor row, Tensor out) {
    Shapes.requireRowVector("addRowVector", a, row);
    Shapes.requireSame("addRowVector", a, out);
    if (out != a) {
      copy(a, out);
    }
    // out += ones·row: one rank-1 product, where ND4J's broadcast op takes 30-50 µs on 20 × 500
    Blas.gemm(false, false, a.rows(), a.cols(), 1, 1f, ones(a.rows()), p(row), 1f, p(out));
  }

  @Override
  public void clip(Tensor a, float lo, float hi, Tensor out) {
    Shapes.requireSame("clip", a, out);
    try (INDArray clipped = Nd4j.exec(new ClipByValue(a(a), lo, hi))[0]) {
      a(out).assign(clipped);
    }
  }

  @Override
  public void indicator(Tensor a, float lo, float hi, Tensor out) {
    Shapes.requireSame("indicator", a, out);
    try (INDArray above = a(a).gte(lo).castTo(DataType.FLOAT);
        INDArray below = a(a).lte(hi).castTo(DataType.FLOAT)) {
      above.mul(below, a(out));
    }
  }

  @Override
  public void sumRows(Tensor a, Tensor out) {
    Shapes.requireShape("sumRows", out, 1, a.cols());
    Blas.gemm(true, false, 1, a.cols(), a.rows(), 1f, ones(a.rows()), p(a), 0f, p(out));
  }

  @Override
  public void rowDot(Tensor a, Tensor b, Tensor out) {
    Shapes.requireSame("rowDot", a, b);
    Shapes.requireShape("rowDot", out, a.rows(), 1);
    try (INDArray product = a(a).mul(a(b)); INDArray sums = product.sum(true, 1)) {
      a(out).assign(sums);
    }
  }

  @Override
  public void softmaxRows(Tensor a, Tensor out) {
    Shapes.requireSame("softmaxRows", a, out);
    try (INDArray p = Transforms.softmax(a(a), true)) {
      a(out).assign(p);
    }
  }

  @Override
  public void argmaxRows(Tensor a, int[] out) {
    if (out.length != a.rows()) {
      throw new ShapeMismatchException(
          "argmaxRows: " + a.shape() + " needs an array of " + a.rows() + ", got " + out.length);
    }
    try (INDArray idx = Nd4j.argMax(a(a), 1)) {
      int[] got = idx.toIntVector();
      System.arraycopy(got, 0, out, 0, out.length);
    }
  }

  @Override
  public void gatherRows(Tensor src, int[] rows, Tensor dst) {
    Shapes.requireShape("gatherRows", dst, rows.length, src.cols());
    Shapes.requireRowIndices("gatherRows", rows, src.rows());
    copyRows(p(src), rows, p(dst), null, rows.length, src.cols());
  }

  @Override
  public void scatterRows(Tensor src, int[] rows, Tensor dst) {
    Shapes.requireShape("scatterRows", src, rows.length, dst.cols());
    Shapes.requireRowIndices("scatterRows", rows, dst.rows());
    copyRows(p(src), null, p(dst), rows, rows.length, dst.cols());
  }

  /**
   * Copies {@code count} rows of {@code cols} floats, row {@code from[r]} (or {@code r} where
   * {@code from} is null) of one buffer to row {@code to[r]} (or {@code r}) of the other, in order,
   * one {@code cblas_scopy} each, no array made: the persistent particles of {@code paper-2h} (256
   * rows of three layers a minibatch, each way) took 28–42 ms of its 110–130 ms minibatch at batch
   * 256 through {@code getRows} and a view per row for {@code putRow} (docs/benchmarks.md, "ND4J").
   */
  private static void copyRows(FloatPointer src, int[] from, FloatPointer dst, int[] to, int count, int cols) {
    FloatPointer s = new FloatPointer(src);
    FloatPointer d = new FloatPointer(dst);
    for (int r = 0; r < count; r++) {
      s.position(src.position() + (long) (from == null ? r : from[r]) * cols);
      d.position(dst.position() + (long) (to == null ? r : to[r]) * cols);
      Blas.copy(cols, s, d);
    }
  }

  @Override
  public void conv2d(Tensor input, Tensor weights, ConvGeometry g, float beta, Tensor out) {
    g.requireShapes("conv2d", input, weights, out);
    convolution.forward(a(input), a(weights), g, beta, a(out));
  }

  @Override
  public void conv2dTranspose(Tensor out, Tensor weights, ConvGeometry g, float beta, Tensor input) {
    g.requireShapes("conv2dTranspose", input, weights, out);
    convolution.transpose(a(out), a(weights), g, beta, a(input));
  }

  @Override
  public void conv2dWeightGradient(Tensor input, Tensor out, ConvGeometry g, float alpha, Tensor weights) {
    g.requireShapes("conv2dWeightGradient", input, weights, out);
    convolution.weightGradient(a(input), a(out), g, alpha, a(weights));
  }

  @Override
  public float maxAbs(Tensor t) {
    try (INDArray nan = a(t).isNaN()) {
      if (nan.any()) {
        return Float.NaN; // the contract; ND4J's amax would skip it
      }
    }
    return a(t).amaxNumber().floatValue();
  }

  @Override
  public boolean isFinite(Tensor t) {
    try (INDArray nan = a(t).isNaN(); INDArray inf = a(t).isInfinite()) {
      return !nan.any() && !inf.any();
    }
  }

  @Override
  public void close() {
    // other tensors release their own buffers; ND4J's native runtime lives as long as the process
    chainRelaxation.close();
    convolution.close();
    if (ones != null) {
      ones.close();
      ones = null;
    }
  }
}
