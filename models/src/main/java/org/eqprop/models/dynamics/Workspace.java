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
  static final class Work {
    final State grad;
    final Tensor costGrad;

    private Work(State grad, Tensor costGrad) {
      this.grad = grad;
      this.costGrad = costGrad;
    }
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
