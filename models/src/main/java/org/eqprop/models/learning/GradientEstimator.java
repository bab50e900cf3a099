package org.eqprop.models.learning;

import org.eqprop.api.Batch;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;

/**
 * A learning rule's gradient estimate from the free fixed point {@code s⁰}: which phases run after
 * the free one, and which two states' contrast, at which scale, estimates the loss gradient {@code
 * g = scale · (∂E/∂θ(a) − ∂E/∂θ(b))}. Apart from the learner, which runs the loop around it
 * (particles, reports, the optimizer).
 */
public sealed interface GradientEstimator {

  /** The estimator the settings describe. */
  static GradientEstimator of(EpSettings settings) {
    if (settings.clampedOutput()) {
      return new Contrastive(settings.nudgedSteps());
    }
    return settings.centered() ? new Centered(settings.nudgedSteps()) : new Nudged(settings.nudgedSteps());
  }

  /** How many states the phases after the free one fill (1 or 2); one by default. */
  default int states() {
    return 1;
  }

  /**
   * Runs the phases after the free one from {@code free}, each into one of {@code into} (which
   * holds {@link #states()} states).
   */
  void phases(Backend backend, Dynamics dynamics, ClampedEnergy energy, Cost cost, Batch batch, float beta,
      State free, State[] into);

  /** The state whose parameter gradient the estimate adds ({@code a}): the second phase's, by default. */
  default State first(State free, State[] into) {
    return into[0];
  }

  /** The state whose parameter gradient the estimate subtracts ({@code b}): the free one, by default. */
  default State second(State free, State[] into) {
    return free;
  }

  /** The factor that turns the contrast of {@link #first} and {@link #second} into the estimate. */
  float scale(float beta, int batchSize);

  /**
   * The nudge strengths of {@link #first} and {@link #second}, {@code {β_a, β_b}}: a cost's own
   * parameters get the contrast of {@code β·∂C/∂θ}, {@code scale·(β_a·∂C/∂θ(a) − β_b·∂C/∂θ(b))}. By
   * default {@code {β, 0}}: a nudged state against the free one.
   */
  default float[] nudges(float beta) {
    return new float[] {beta, 0f};
  }

  /**
   * EP with one nudged phase at {@code β} (positive or negative by its sign): {@code g = (∂E/∂θ(sᵝ)
   * − ∂E/∂θ(s⁰)) / (β·B)}.
   */
  record Nudged(int steps) implements GradientEstimator {
    @Override
    public void phases(Backend backend, Dynamics dynamics, ClampedEnergy energy, Cost cost, Batch batch, float beta,
        State free, State[] into) {
      into[0].copyFrom(backend, free);
      dynamics.relax(energy, cost, batch.target(), beta, into[0], steps);
    }

    @Override
    public float scale(float beta, int batchSize) {
      return 1f / (beta * batchSize);
    }
  }

  /**
   * Centered EP (Laborieux et al. 2021): nudged phases at {@code +β} and {@code −β}, {@code g =
   * (∂E/∂θ(sᵝ) − ∂E/∂θ(s⁻ᵝ)) / (2β·B)}; the bias falls from O(β) to O(β²).
   */
  record Centered(int steps) implements GradientEstimator {
    @Override
    public int states() {
      return 2;
    }

    @Override
    public void phases(Backend backend, Dynamics dynamics, ClampedEnergy energy, Cost cost, Batch batch, float beta,
        State free, State[] into) {
      for (int i = 0; i < 2; i++) {
        into[i].copyFrom(backend, free);
        dynamics.relax(energy, cost, batch.target(), i == 0 ? beta : -beta, into[i], steps);
      }
    }

    @Override
    public State second(State free, State[] into) {
      return into[1];
    }

    @Override
    public float[] nudges(float beta) {
      return new float[] {beta, -beta};
    }

    @Override
    public float scale(float beta, int batchSize) {
      return 1f / (2 * beta * batchSize);
    }
  }

  /**
   * Contrastive Hebbian learning (Movellan 1991): from {@code s⁰}, the output held at the target
   * after every step while the hidden layers relax, giving {@code sᶜ}; {@code g = (∂E/∂θ(sᶜ) −
   * ∂E/∂θ(s⁰)) / B}.
   */
  record Contrastive(int steps) implements GradientEstimator {
    @Override
    public void phases(Backend backend, Dynamics dynamics, ClampedEnergy energy, Cost cost, Batch batch, float beta,
        State free, State[] into) {
      State s = into[0];
      s.copyFrom(backend, free);
      backend.copy(batch.target(), s.output());
      for (int t = 0; t < steps; t++) {
        dynamics.relax(energy, cost, null, 0f, s, 1);
        backend.copy(batch.target(), s.output());
      }
    }

    @Override
    public float scale(float beta, int batchSize) {
      return 1f / batchSize;
    }

    /** No nudge: the output is held at the target ({@code ep} refuses costs with parameters here). */
    @Override
    public float[] nudges(float beta) {
      return new float[] {0f, 0f};
    }
  }
}
