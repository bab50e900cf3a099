package org.eqprop.api;

import java.util.List;
import org.eqprop.api.tensor.Tensor;

/**
 * An {@link Energy} with its input batch clamped: evaluates {@code E} and its gradients for states
 * of that batch.
 */
public interface ClampedEnergy extends AutoCloseable {

  /** Number of samples in the clamped batch. */
  int batchSize();

  /** The energy of each sample: {@code out} is {@code batch × 1}. */
  void energy(State s, Tensor out);

  /** {@code grad = ∂E/∂s}, layer by layer; {@code grad} has the shapes of {@code s}. */
  void stateGradient(State s, State grad);

  /**
   * {@code grads[i] += scale · ∂E/∂θ_i}, summed over the batch, for every parameter {@code θ_i} in
   * the order of {@link Energy#parameters()}; each {@code grads[i]} has the shape of {@code θ_i}.
   */
  void accumulateParameterGradient(State s, float scale, List<Tensor> grads);

  /**
   * {@code grads[i] += scale · (∂E/∂θ_i(a) − ∂E/∂θ_i(b))}: the contrast between two states that
   * learning rules such as Equilibrium Propagation need. Models override it when the difference is
   * cheaper than two gradients (terms that are linear in one state).
   */
  default void accumulateContrast(State a, State b, float scale, List<Tensor> grads) {
    accumulateParameterGradient(a, scale, grads);
    accumulateParameterGradient(b, -scale, grads);
  }

  @Override
  void close();
}
