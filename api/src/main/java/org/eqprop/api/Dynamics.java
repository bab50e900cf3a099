package org.eqprop.api;

import org.eqprop.api.tensor.Tensor;

/**
 * Relaxes a state towards a minimum of the total energy {@code F = E + β·C}.
 */
public interface Dynamics {

  /** The name this dynamics is selected by, e.g. {@code gradient}. */
  String name();

  /**
   * Runs up to {@code steps} steps in place on {@code state}.
   *
   * @param energy the energy with its input clamped
   * @param cost the cost; unused when {@code beta == 0}
   * @param target the target ({@code batch × outputs}); may be null when {@code beta == 0}
   * @param beta the nudging strength ({@code 0} for the free phase)
   * @param state the starting state, replaced by the relaxed one
   * @param steps the number of steps to run
   * @return the number of steps taken
   */
  int relax(ClampedEnergy energy, Cost cost, Tensor target, float beta, State state, int steps);
}
