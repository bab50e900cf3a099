package org.eqprop.api;

import java.util.List;
import org.eqprop.api.tensor.Tensor;

/**
 * Applies gradient estimates to parameters.
 */
public interface Optimizer extends AutoCloseable {

  /** The name this optimizer is selected by, e.g. {@code sgd}. */
  String name();

  /**
   * Updates every parameter in place from its gradient estimate (an estimate of {@code ∂L/∂θ}: the
   * optimizer descends it).
   *
   * @param parameters the parameters, in the model's order
   * @param gradients one tensor per parameter, same order and shapes
   */
  void step(List<Parameter> parameters, List<Tensor> gradients);

  /** Releases optimizer state. */
  @Override
  default void close() {}
}
