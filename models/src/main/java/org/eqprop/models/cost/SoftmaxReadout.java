package org.eqprop.models.cost;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.eqprop.api.Cost;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * A softmax readout outside the energy (Laborieux et al. 2021, {@code --softmax}): class scores
 * {@code z = y·W + b} read linearly from the output layer {@code y}, and the cross-entropy of their
 * softmax, {@code C(y, d) = −Σ_j d_j·log softmax(z)_j}. Named {@code softmax-readout}.
 *
 * <p>The nudge acts on the output layer through the readout, {@code ∂C/∂y = (softmax(z) − d)·Wᵀ};
 * {@code W} ({@code units × classes}) and {@code b} ({@code 1 × classes}) are the cost's own
 * parameters, trained by their cross-entropy gradient {@code ∂C/∂W = yᵀ(softmax(z) − d)}, {@code
 * ∂C/∂b = Σ (softmax(z) − d)} at the nudged state(s). The energy's output layer is then a hidden
 * layer of any width, and the network predicts the class of the largest score.
 */
public final class SoftmaxReadout implements Cost {
  /** The cost's name. */
  public static final String NAME = "softmax-readout";

  private final Backend backend;
  private final int units;
  private final int classes;
  private final Tensor weights;
  private final Tensor bias;
  private final List<Parameter> parameters;
  private final Map<Integer, Scratch> scratch = new HashMap<>();

  /**
   * A readout of {@code units} output units into {@code classes} scores, with PyTorch's {@code
   * nn.Linear} initialisation: weights and bias uniform in {@code ±1/√units}.
   *
   * @param group the learning-rate group of {@code W} and {@code b} (after the energy's)
   * @param random draws the initial values
   */
  public SoftmaxReadout(Backend backend, int units, int classes, int group, RandomGenerator random) {
    if (units < 1 || classes < 2) {
      throw new IllegalArgumentException("a softmax readout needs at least 1 unit and 2 classes, got " + units
          + " units and " + classes + " classes");
    }
    this.backend = backend;
    this.units = units;
    this.classes = classes;
    double limit = 1 / Math.sqrt(units);
    this.weights = backend.zeros(units, classes);
    this.bias = backend.zeros(1, classes);
    backend.upload(uniform(units * classes, limit, random), weights);
    backend.upload(uniform(classes, limit, random), bias);
    this.parameters = List.of(new Parameter("readout.W", group, weights), new Parameter("readout.b", group, bias));
  }

  private static float[] uniform(int n, double limit, RandomGenerator random) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) ((2 * random.nextDouble() - 1) * limit);
    }
    return v;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<Parameter> parameters() {
    return parameters;
  }

  @Override
  public int classes(int outputUnits) {
    if (outputUnits != units) {
      throw new IllegalArgumentException(
          "the softmax readout reads " + units + " units but the output layer has " + outputUnits);
    }
    return classes;
  }

  @Override
  public Tensor scores(Tensor output) {
    return logits(output);
  }

  @Override
  public void value(Tensor output, Tensor target, Tensor out) {
    requireShapes(output, target);
    Shapes.requireShape(NAME, out, output.rows(), 1);
    // reported per epoch and in checks, not in the relaxation: computed on the host in double
    backend.upload(CrossEntropy.perRow(backend.toHost(logits(output)), backend.toHost(target), output.rows(), classes),
        out);
  }

  @Override
  public void gradient(Tensor output, Tensor target, Tensor grad) {
    requireShapes(output, target);
    Shapes.requireSame(NAME, output, grad);
    Tensor error = error(output, target);
    backend.gemm(1f, error, false, weights, true, 0f, grad);
  }

  @Override
  public void accumulateParameterGradient(Tensor output, Tensor target, float scale, List<Tensor> grads) {
    requireShapes(output, target);
    if (grads.size() != 2) {
      throw new IllegalArgumentException(NAME + " has 2 parameters but got " + grads.size() + " gradients");
    }
    Shapes.requireSame(NAME, weights, grads.get(0));
    Shapes.requireSame(NAME, bias, grads.get(1));
    Scratch s = scratch(output.rows());
    Tensor error = error(output, target);
    backend.gemm(scale, output, true, error, false, 1f, grads.get(0));
    backend.sumRows(error, s.rowSum);
    backend.axpy(scale, s.rowSum, grads.get(1));
  }

  /** {@code z = y·W + b} into the batch's scratch. */
  private Tensor logits(Tensor output) {
    Shapes.requireShape(NAME, output, output.rows(), units);
    Scratch s = scratch(output.rows());
    backend.gemm(1f, output, false, weights, false, 0f, s.logits);
    backend.addRowVector(s.logits, bias, s.logits);
    return s.logits;
  }

  /** {@code softmax(z) − d} into the batch's scratch. */
  private Tensor error(Tensor output, Tensor target) {
    Scratch s = scratch(output.rows());
    backend.softmaxRows(logits(output), s.error);
    backend.sub(s.error, target, s.error);
    return s.error;
  }

  private void requireShapes(Tensor output, Tensor target) {
    Shapes.requireShape(NAME, output, output.rows(), units);
    Shapes.requireShape(NAME, target, output.rows(), classes);
  }

  private Scratch scratch(int rows) {
    return scratch.computeIfAbsent(rows, r -> new Scratch(backend.zeros(r, classes), backend.zeros(r, classes),
        backend.zeros(1, classes)));
  }

  private record Scratch(Tensor logits, Tensor error, Tensor rowSum) {}
}
