package org.eqprop.models.learning;

/**
 * Settings of {@link EquilibriumPropagation} (and of contrastive Hebbian learning, which it also runs).
 *
 * @param freeSteps {@code T1}, steps of the free phase (beta = 0)
 * @param nudgedSteps {@code T2}, steps of the nudged phase, started from the free fixed point
 * @param beta the nudging strength, non-zero
 * @param randomSign flip the sign of beta with probability ½, one coin per minibatch
 * @param persistentParticles start each example's free phase from its last free fixed point
 *     instead of from zeros
 * @param inferenceSteps steps of the free phase (from zeros) when predicting
 * @param centered two nudged phases, at {@code +beta} and {@code −beta}, and the update from their
 *     difference (Laborieux et al. 2021): the estimate's bias falls from O(beta) to O(beta²);
 *     {@code randomSign} has no effect then
 * @param clampedOutput contrastive Hebbian learning instead of EP: the second phase holds the output
 *     at the target (fully clamped) while the hidden layers relax, and the update is {@code
 *     (∂E/∂θ(sᶜ) − ∂E/∂θ(s⁰)) / B}; {@code beta}, {@code randomSign} and {@code centered} have no
 *     effect then
 */
public record EpSettings(
    int freeSteps,
    int nudgedSteps,
    float beta,
    boolean randomSign,
    boolean persistentParticles,
    int inferenceSteps,
    boolean centered,
    boolean clampedOutput) {

  /** One-sided nudging (not centered). */
  public EpSettings(int freeSteps, int nudgedSteps, float beta, boolean randomSign, boolean persistentParticles,
      int inferenceSteps) {
    this(freeSteps, nudgedSteps, beta, randomSign, persistentParticles, inferenceSteps, false, false);
  }

  /** Equilibrium Propagation, one-sided or centered. */
  public EpSettings(int freeSteps, int nudgedSteps, float beta, boolean randomSign, boolean persistentParticles,
      int inferenceSteps, boolean centered) {
    this(freeSteps, nudgedSteps, beta, randomSign, persistentParticles, inferenceSteps, centered, false);
  }

  /** Whether a step runs two nudged phases, at +beta and −beta (centered EP, not CHL). */
  public boolean nudgesBothWays() {
    return centered && !clampedOutput;
  }

  /** Validates the ranges. */
  public EpSettings {
    if (freeSteps < 1) {
      throw new IllegalArgumentException("free steps must be >= 1, got " + freeSteps);
    }
    if (nudgedSteps < 1) {
      throw new IllegalArgumentException("nudged steps must be >= 1, got " + nudgedSteps);
    }
    if (beta == 0f || !Float.isFinite(beta)) {
      throw new IllegalArgumentException("beta must be non-zero and finite, got " + beta);
    }
    if (inferenceSteps < 1) {
      throw new IllegalArgumentException("inference steps must be >= 1, got " + inferenceSteps);
    }
  }
}
