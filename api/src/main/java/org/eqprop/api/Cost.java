package org.eqprop.api;

import org.eqprop.api.tensor.Tensor;

/**
 * A cost {@code C(y, d)} comparing the output layer {@code y} with a target {@code d}; the nudging
 * term of {@code F = E + β·C}.
 */
public interface Cost {

  /** The name this cost is selected by, e.g. {@code squared-error}. */
  String name();

  /** The cost of each sample: {@code out} is {@code batch × 1}. */
  void value(Tensor output, Tensor target, Tensor out);

  /** {@code grad = ∂C/∂y}, the shape of {@code output}. */
  void gradient(Tensor output, Tensor target, Tensor grad);
}
