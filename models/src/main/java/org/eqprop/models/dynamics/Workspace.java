package org.eqprop.models.dynamics;

import java.util.HashMap;
import java.util.Map;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * What every dynamics here shares: the argument checks of {@code relax} and the work tensors (the
 * state gradient and the cost gradient), kept per batch size.
 */
final class Workspace {
  private final Backend backend;
  private final int[] sizes;
  private final Map<Integer, Work> work = new HashMap<>();

  /** The work tensors of one batch size. */
  final class Work {
    final State grad;
    final Tensor costGrad;
    private State previous;

    private Work(State grad, Tensor costGrad) {
      this.grad = grad;
      this.costGrad = costGrad;
    }

    /** Keeps a copy of {@code state} for {@link #largestChange}. */
    void remember(State state) {
      if (previous == null) {
        previous = State.zeros(backend, state.batchSize(), sizes);
      }
      previous.copyFrom(backend, state);
    }

    /** {@code max |s − s_remembered|} over every layer; overwrites the remembered copy. */
    float largestChange(State state) {
      float max = 0f;
      for (int k = 0; k < state.size(); k++) {
        Tensor before = previous.layer(k);
        backend.sub(state.layer(k), before, before);
        float m = backend.maxAbs(before);
        if (!(m <= max)) {
          max = m;
        }
      }
      return max;
    }
  }

  /**
   * Runs {@code step} (one step of a dynamics) up to {@code steps} times; with a positive {@code
   * tolerance}, stops after the first step that moved no state element by {@code tolerance} or
   * more. Returns the steps taken.
   */
  int run(Work w, State state, int steps, float tolerance, Runnable step) {
    for (int t = 1; t <= steps; t++) {
      if (tolerance > 0f) {
        w.remember(state);
      }
      step.run();
      if (tolerance > 0f && w.largestChange(state) < tolerance) {
        return t;
      }
    }
    return steps;
  }

  /** Checks a convergence tolerance: 0 (off) or positive and finite. */
  static float requireTolerance(float tolerance) {
    if (!(tolerance >= 0f) || Float.isInfinite(tolerance)) {
      throw new IllegalArgumentException("tolerance must be >= 0 and finite, got " + tolerance);
    }
    return tolerance;
  }

  Workspace(Backend backend, int[] stateSizes) {
    this.backend = backend;
    this.sizes = stateSizes.clone();
  }

  /** Checks the arguments of {@code relax} and returns the work tensors for {@code state}'s batch size. */
  Work forRelax(Tensor target, float beta, State state, int steps) {
    if (steps < 0) {
      throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    }
    if (beta != 0f && target == null) {
      throw new IllegalArgumentException("a nudged phase (beta != 0) needs a target");
    }
    return work.computeIfAbsent(state.batchSize(),
        b -> new Work(State.zeros(backend, b, sizes), backend.zeros(b, sizes[sizes.length - 1])));
  }
}
