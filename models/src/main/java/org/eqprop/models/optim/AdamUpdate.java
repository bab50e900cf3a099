package org.eqprop.models.optim;

import org.eqprop.api.tensor.Tensor;

/**
 * Adam's update of one parameter tensor in one pass over its elements (a kernel a backend offers through {@link org.eqprop.api.tensor.Backend#extension}), with decoupled weight decay, as PyTorch computes it:
 *
 * <pre>
 *   θ ← θ·(1 − lr·λ)
 *   m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − lr/c₁ · m / (√v / √c₂ + ε)
 * </pre>
 *
 * with the bias corrections {@code c₁ = 1 − β₁ᵗ}, {@code c₂ = 1 − β₂ᵗ} passed in. The result equals
 * that of the core operations up to float rounding; the fused pass reads and writes each array once
 * instead of about ten times. An implementation may store moments smaller than {@code 1e-30} in
 * magnitude as 0 (to keep subnormal floats out of its arithmetic).
 */
public interface AdamUpdate {

  /**
   * Updates {@code param}, {@code m} and {@code v} in place; all four tensors have one shape.
   *
   * @param lr the learning rate
   * @param weightDecay {@code λ}, 0 for none
   */
  void update(Tensor param, Tensor grad, Tensor m, Tensor v, float lr, float beta1, float beta2, float epsilon,
      float correction1, float correction2, float weightDecay);
}
