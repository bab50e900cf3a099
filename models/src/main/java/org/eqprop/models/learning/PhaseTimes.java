package org.eqprop.models.learning;

/**
 * Wall time spent in each part of {@link EquilibriumPropagation#train}, summed since the last
 * {@link #reset()}: the free phase, the nudged phase, and the update (contrast and optimizer). On
 * backends that queue work asynchronously these are the times to issue the work, not to finish it.
 */
public final class PhaseTimes {
  long freeNanos;
  long nudgedNanos;
  long updateNanos;
  long steps;

  /** Seconds in free phases. */
  public double freeSeconds() {
    return freeNanos / 1e9;
  }

  /** Seconds in nudged phases. */
  public double nudgedSeconds() {
    return nudgedNanos / 1e9;
  }

  /** Seconds in updates (contrast and optimizer step). */
  public double updateSeconds() {
    return updateNanos / 1e9;
  }

  /** Training steps counted. */
  public long steps() {
    return steps;
  }

  /** Starts counting from zero. */
  public void reset() {
    freeNanos = 0;
    nudgedNanos = 0;
    updateNanos = 0;
    steps = 0;
  }
}
