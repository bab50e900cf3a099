package org.eqprop.api;

import java.util.Optional;
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

  /**
   * Both phases of an EP step in one call ({@link FusedPhases}), where this dynamics can fuse them
   * for this energy and cost and runs every step it is given; empty otherwise, and the learner
   * relaxes phase by phase with {@link #relax}. None by default.
   */
  default Optional<FusedPhases> fusedPhases(ClampedEnergy energy, Cost cost) {
    return Optional.empty();
  }

  /**
   * The free phase, the free fixed point's per-sample energy ({@link ClampedEnergy#energy}) and
   * predicted class, and the nudged phase from it, as {@link #relax} would run them.
   */
  @FunctionalInterface
  interface FusedPhases {
    /**
     * Runs them.
     *
     * @param target the target ({@code batch × outputs})
     * @param beta the nudged phase's strength
     * @param free the free phase's state, from zeros where {@code fromZeros}, else from its contents;
     *     replaced by the free fixed point
     * @param nudged overwritten with the nudged phase's state
     * @param freeSteps steps of the free phase
     * @param nudgedSteps steps of the nudged phase
     * @param fromZeros start the free phase from zeros
     * @param energy {@code batch × 1}, each sample's energy at the free fixed point
     * @param classes {@code batch × 1}, each sample's predicted class (as a float)
     */
    void run(Tensor target, float beta, State free, State nudged, int freeSteps, int nudgedSteps, boolean fromZeros,
        Tensor energy, Tensor classes);
  }
}
