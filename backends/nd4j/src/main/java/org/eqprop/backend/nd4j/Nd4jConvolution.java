package org.eqprop.backend.nd4j;

import java.util.HashMap;
import java.util.Map;
import org.eqprop.api.tensor.ConvGeometry;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code nd4j} backend's convolutions as ND4J's native ops ({@code libnd4j}, with its oneDNN
 * kernels where the natives carry them): {@code conv2d} for the convolution, {@code deconv2d} for
 * its transpose where the stride steps exactly to the input's last row and column (oneDNN's
 * deconvolution, about twenty times faster here than {@code conv2d_input_bp}, the gradient in the
 * input alone, which takes the other geometries), and {@code conv2d_bp} for the weight gradient.
 * The tensors' rows are viewed as NCHW images and the weights as {@code [oC, iC, kH, kW]} (weight
 * format 1), so that no operand is copied; a result that is to be added to a
 * tensor ({@code beta ≠ 0}, the weight gradient) goes through a work array kept per geometry and
 * batch size. During a call ND4J's helpers are allowed and its OpenMP threads and OpenBLAS's raised
 * to {@code threads} (the backend keeps helpers off and one thread for its small element-wise ops),
 * and set back after it.
 */
final class Nd4jConvolution implements AutoCloseable {
  private final Nd4jBackend backend;
  private final int threads;
  private final Map<String, Work> work = new HashMap<>();

  Nd4jConvolution(Nd4jBackend backend, int threads) {
    this.backend = backend;
    this.threads = threads;
  }

  /** One geometry and batch size's shapes and work arrays (created when first needed). */
  private static final class Work {
    final long[] inShape;
    final long[] outShape;
    final long[] weightShape;
    final int[] args;
    /**
     * Whether the stride steps exactly to the last row and column of the (padded) input, so that
     * the transposed convolution's image has the input's size, as {@code deconv2d} computes it.
     */
    final boolean exact;
    INDArray inputShape;
    INDArray output;
    INDArray input;
    INDArray weights;

    Work(ConvGeometry g, int batch) {
      inShape = new long[] {batch, g.inChannels(), g.inHeight(), g.inWidth()};
      outShape = new long[] {batch, g.outChannels(), g.outHeight(), g.outWidth()};
      weightShape = new long[] {g.outChannels(), g.inChannels(), g.kernel(), g.kernel()};
      int k = g.kernel();
      int s = g.stride();
      int p = g.padding();
      // kH, kW, sH, sW, pH, pW, dH, dW, same mode (0: explicit padding), data format (0: NCHW), weight format (1)
      args = new int[] {k, k, s, s, p, p, 1, 1, 0, 0, 1};
      exact = (g.inHeight() + 2 * p - k) % s == 0 && (g.inWidth() + 2 * p - k) % s == 0;
    }

    INDArray inputShape() {
      return inputShape != null ? inputShape : (inputShape = Nd4j.createFromArray(inShape));
    }

    INDArray output() {
      return output != null ? output : (output = Nd4j.create(DataType.FLOAT, outShape));
    }

    INDArray input() {
      return input != null ? input : (input = Nd4j.create(DataType.FLOAT, inShape));
    }

    INDArray weights() {
      return weights != null ? weights : (weights = Nd4j.create(DataType.FLOAT, weightShape));
    }

    void close() {
      for (INDArray a : new INDArray[] {inputShape, output, input, weights}) {
        if (a != null) {
          a.close();
        }
      }
    }
  }

  private Work work(ConvGeometry g, int batch) {
    return work.computeIfAbsent(g + "/" + batch, k -> new Work(g, batch));
  }

  /** {@code out = beta·out + conv(input, weights)}. */
  void forward(INDArray input, INDArray weights, ConvGeometry g, float beta, INDArray out) {
    Work w = work(g, (int) input.rows());
    INDArray target = beta == 0f ? out.reshape('c', w.outShape) : w.output();
    run(DynamicCustomOp.builder("conv2d").addInputs(input.reshape('c', w.inShape), weights.reshape('c', w.weightShape))
        .addOutputs(target).addIntegerArguments(w.args).build());
    if (beta != 0f) {
      accumulate(beta, target, out);
    }
  }

  /** {@code input = beta·input + convᵀ(out, weights)}. */
  void transpose(INDArray out, INDArray weights, ConvGeometry g, float beta, INDArray input) {
    Work w = work(g, (int) out.rows());
    INDArray target = beta == 0f ? input.reshape('c', w.inShape) : w.input();
    INDArray kernel = weights.reshape('c', w.weightShape);
    if (w.exact) {
      // the weights [oC, iC, kH, kW] are deconv2d's [iC, oC, kH, kW] (weight format 1)
      run(DynamicCustomOp.builder("deconv2d").addInputs(out.reshape('c', w.outShape), kernel).addOutputs(target)
          .addIntegerArguments(w.args).build());
    } else {
      run(DynamicCustomOp.builder("conv2d_input_bp").addInputs(w.inputShape(), kernel, out.reshape('c', w.outShape))
          .addOutputs(target).addIntegerArguments(w.args).build());
    }
    if (beta != 0f) {
      accumulate(beta, target, input);
    }
  }

  /** {@code weights += alpha · Σ_samples ∂⟨conv(input, weights), out⟩/∂weights}. */
  void weightGradient(INDArray input, INDArray out, ConvGeometry g, float alpha, INDArray weights) {
    Work w = work(g, (int) input.rows());
    INDArray wrt = weights.reshape('c', w.weightShape);
    // conv2d_bp gives the input's gradient too: kept in the work array and not used
    run(DynamicCustomOp.builder("conv2d_bp").addInputs(input.reshape('c', w.inShape), wrt, out.reshape('c', w.outShape))
        .addOutputs(w.input(), w.weights()).addIntegerArguments(w.args).build());
    wrt.addi(w.weights().muli(alpha));
  }

  /** {@code dst = beta·dst + src}, {@code src} being {@code dst}'s elements in another shape. */
  private static void accumulate(float beta, INDArray src, INDArray dst) {
    INDArray flat = src.reshape('c', dst.shape());
    if (beta == 1f) {
      dst.addi(flat);
    } else {
      dst.muli(beta).addi(flat);
    }
  }

  private void run(DynamicCustomOp op) {
    backend.withNativeOps(threads, () -> Nd4j.exec(op));
  }

  @Override
  public void close() {
    for (Work w : work.values()) {
      w.close();
    }
    work.clear();
  }
}
