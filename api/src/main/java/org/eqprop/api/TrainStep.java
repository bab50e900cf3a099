package org.eqprop.api;

/**
 * What one training step saw at the free fixed point, before the update.
 *
 * @param errors samples whose predicted class was wrong
 * @param energy the energy {@code E(s⁰)} summed over the batch
 * @param freeSteps steps the free phase took (fewer than its maximum when it converged); 0 when
 *     the learner does not say
 */
public record TrainStep(int errors, double energy, int freeSteps) {

  /** A step that does not report its free phase's steps. */
  public TrainStep(int errors, double energy) {
    this(errors, energy, 0);
  }
}
