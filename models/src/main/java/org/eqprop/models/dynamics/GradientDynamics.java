package org.eqprop.models.dynamics;

import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * The paper's discretised dynamics, all layers at once:
 *
 * <pre>
 *   s_k ← clip(s_k − eps · ∂F/∂s_k, 0, 1),   F = E + β·C
 * </pre>
 *
 * Every layer's gradient is taken at the old state before any layer moves (synchronous update).
 * Named {@code gradient}.
 */
public final class GradientDynamics implements Dynamics {
  /** The dynamics' name. */
  public static final String NAME = "gradient";

  private final Backend backend;
  private final float eps;
  private final Workspace workspace;

  /**
   * @param backend where the states live
   * @param stateSizes units per free layer (as {@link org.eqprop.api.Energy#stateSizes()})
   * @param eps the step size, positive
   */
  public GradientDynamics(Backend backend, int[] stateSizes, float eps) {
    if (!(eps > 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("eps must be positive and finite, got " + eps);
    }
    this.backend = backend;
    this.workspace = new Workspace(backend, stateSizes);
    this.eps = eps;
  }

  /** The step size. */
  public float eps() {
    return eps;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int relax(
      ClampedEnergy energy, Cost cost, Tensor target, float beta, State state, int steps) {
    Workspace.Work w = workspace.forRelax(target, beta, state, steps);
    int out = state.size() - 1;
    for (int t = 0; t < steps; t++) {
      energy.stateGradient(state, w.grad);
      if (beta != 0f) {
        cost.gradient(state.output(), target, w.costGrad);
        backend.axpy(beta, w.costGrad, w.grad.layer(out));
      }
      for (int k = 0; k < state.size(); k++) {
        backend.axpy(-eps, w.grad.layer(k), state.layer(k));
        backend.clip(state.layer(k), 0f, 1f, state.layer(k));
      }
    }
    return steps;
  }
}
