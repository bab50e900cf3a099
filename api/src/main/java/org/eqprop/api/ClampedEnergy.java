package org.eqprop.api;

import java.util.List;
import java.util.Optional;
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

  /**
   * {@code into[i] += scales[i] · (∂E/∂θ_i(a) − ∂E/∂θ_i(b))}: the contrast with one scale per
   * parameter, which lets a learner add a plain gradient step to the parameters themselves ({@code
   * into} the parameters' values, {@code scales[i]} minus the rate times the estimate's scale)
   * without a gradient buffer in between. Returns {@code false}, doing nothing, where the energy
   * does not offer it (the default); the learner then goes through gradients and the optimizer.
   */
  default boolean addScaledContrast(State a, State b, float[] scales, List<Tensor> into) {
    return false;
  }

  /**
   * This energy's layers when it is the layered hard-sigmoid form that {@link
   * org.eqprop.api.tensor.ChainRelaxation} relaxes, so dynamics may hand the relaxation to the
   * backend; empty otherwise (the default).
   */
  default Optional<Chain> chain() {
    return Optional.empty();
  }

  /**
   * A clamped energy's layers in the form {@link org.eqprop.api.tensor.ChainRelaxation} takes. The
   * tensors are the model's own (not copies), valid while the clamped energy is open.
   *
   * @param drive {@code batch × n₁}: {@code ρ(x)·W₁}
   * @param weights {@code W₂ … W_N}
   * @param biases {@code b₁ … b_N}
   */
  record Chain(Tensor drive, List<Tensor> weights, List<Tensor> biases) {
    /** Copies the lists. */
    public Chain {
      weights = List.copyOf(weights);
      biases = List.copyOf(biases);
    }
  }

  @Override
  void close();
}
