package org.eqprop.api;

import java.util.List;
import java.util.Map;
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

  /**
   * Multiplies every configured learning rate by {@code scale} from the next step on; a
   * learning-rate schedule sets it at the start of each epoch, and {@code 1} restores the
   * configured rates.
   *
   * @throws UnsupportedOperationException when this optimizer has no learning rate to scale
   */
  default void setLearningRateScale(float scale) {
    throw new UnsupportedOperationException(
        "optimizer " + name() + " does not support learning-rate schedules");
  }

  /**
   * The optimizer's state (for example momentum buffers), by name: checkpoints save these tensors
   * and restore them in place. Empty for stateless optimizers such as plain SGD.
   */
  default Map<String, Tensor> stateTensors() {
    return Map.of();
  }

  /** Releases optimizer state. */
  @Override
  default void close() {}
}
