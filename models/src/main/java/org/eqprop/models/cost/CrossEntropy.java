package org.eqprop.models.cost;

import org.eqprop.api.Cost;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * The softmax cross-entropy of the output layer read as logits: {@code C(y, d) = −Σ_j d_j·log
 * softmax(y)_j} per sample, {@code ∂C/∂y = softmax(y) − d}. Named {@code cross-entropy}. The
 * output states stay in {@code [0, 1]}, so the softmax is never sharp: the nudge pulls the target
 * unit up and the others down, with forces that sum to zero per sample.
 */
public final class CrossEntropy implements Cost {
  /** The cost's name. */
  public static final String NAME = "cross-entropy";

  private final Backend backend;

  /** A cross-entropy cost computing on {@code backend}. */
  public CrossEntropy(Backend backend) {
    this.backend = backend;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void value(Tensor output, Tensor target, Tensor out) {
    Shapes.requireSame("cross-entropy", output, target);
    Shapes.requireShape("cross-entropy", out, output.rows(), 1);
    // reported per epoch and in checks, not in the relaxation: computed on the host in double
    backend.upload(perRow(backend.toHost(output), backend.toHost(target), output.rows(), output.cols()), out);
  }

  /**
   * {@code −Σ_j d_j·log softmax(z)_j} of each row of the row-major logits {@code z} and targets
   * {@code d} ({@code rows × cols}), in double.
   */
  static float[] perRow(float[] z, float[] d, int rows, int cols) {
    float[] c = new float[rows];
    for (int i = 0, o = 0; i < rows; i++, o += cols) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < cols; j++) {
        max = Math.max(max, z[o + j]);
      }
      double sum = 0;
      for (int j = 0; j < cols; j++) {
        sum += Math.exp(z[o + j] - max);
      }
      double logZ = max + Math.log(sum);
      double v = 0;
      for (int j = 0; j < cols; j++) {
        v -= d[o + j] * (z[o + j] - logZ);
      }
      c[i] = (float) v;
    }
    return c;
  }

  @Override
  public void gradient(Tensor output, Tensor target, Tensor grad) {
    Shapes.requireSame("cross-entropy", output, target);
    Shapes.requireSame("cross-entropy", output, grad);
    backend.softmaxRows(output, grad);
    backend.sub(grad, target, grad);
  }
}
