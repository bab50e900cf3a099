package org.eqprop.api;

/**
 * A training step issued to the backend whose report has not been read yet, from {@link
 * Learner#trainLater}. The step's work is done or queued; only reading its report waits for it.
 */
@FunctionalInterface
public interface PendingStep {

  /**
   * The step's report, waiting for the backend where it has not finished.
   *
   * @throws DivergenceException if the step's free phase was not finite (the message names the
   *     parameter or state at fault where it can)
   */
  TrainStep get();
}
