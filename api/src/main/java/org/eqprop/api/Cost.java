package org.eqprop.api;

import java.util.List;
import org.eqprop.api.tensor.Tensor;

/**
 * A cost {@code C(y, d)} comparing the output layer {@code y} with a target {@code d}; the nudging
 * term of {@code F = E + β·C}.
 *
 * <p>A cost may have trainable parameters of its own, {@code C(θ_c, y, d)}: a readout that maps the
 * output layer to class scores outside the energy (Laborieux et al. 2021's softmax readout). A run
 * trains them beside the energy's ({@link Parameter#trainable}); Equilibrium Propagation's
 * estimate for them is the contrast of {@code β·∂C/∂θ_c}, which the nudge strengths of its two
 * states turn into {@code ∂C/∂θ_c} at the nudged state(s).
 */
public interface Cost {

  /** The name this cost is selected by, e.g. {@code squared-error}. */
  String name();

  /** The cost of each sample: {@code out} is {@code batch × 1}. */
  void value(Tensor output, Tensor target, Tensor out);

  /** {@code grad = ∂C/∂y}, the shape of {@code output}. */
  void gradient(Tensor output, Tensor target, Tensor grad);

  /** The cost's own trainable parameters, trained after the energy's; none by default. */
  default List<Parameter> parameters() {
    return List.of();
  }

  /**
   * {@code grads[i] += scale · ∂C/∂θ_i(y, d)}, summed over the batch, for every parameter of {@link
   * #parameters()} in order; nothing by default.
   */
  default void accumulateParameterGradient(Tensor output, Tensor target, float scale, List<Tensor> grads) {}

  /**
   * The width of the targets (the number of classes) for an output layer of {@code outputUnits}
   * units: as many by default; a readout its own count.
   */
  default int classes(int outputUnits) {
    return outputUnits;
  }

  /**
   * Each row's class scores ({@code batch × classes}), the largest one the predicted class: the
   * output layer itself by default; a readout's scores, valid until its next call.
   */
  default Tensor scores(Tensor output) {
    return output;
  }
}
