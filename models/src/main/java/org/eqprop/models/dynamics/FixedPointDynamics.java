package org.eqprop.models.dynamics;

import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Asynchronous fixed-point minimisation (Scellier et al. 2023): each step sets the even-numbered
 * layers, then the odd-numbered ones, to their exact minimiser given their neighbours,
 *
 * <pre>
 *   s_k ← clip(s_k − ∂F/∂s_k / (1 + β·[k = N]), 0, 1)
 * </pre>
 *
 * which, for energies whose only self-interaction of a layer is {@code ½‖s_k‖²} (the layered
 * Hopfield network and the skip-connection example), is {@code clip(b_k + ρ(s_{k−1})W_k +
 * ρ(s_{k+1})W_{k+1}ᵀ)}, and on the output {@code clip((drive + β·d)/(1 + β))} under the squared-error
 * nudging. Layers of one parity do not interact in a layered network, so each half-step is exact;
 * it reaches the fixed point of {@link GradientDynamics} in far fewer steps. Named {@code fixed-point}.
 */
public final class FixedPointDynamics implements Dynamics {
  /** The dynamics' name. */
  public static final String NAME = "fixed-point";

  private final Backend backend;
  private final Workspace workspace;
  private final float tolerance;

  /** Runs every step it is given (no convergence test). */
  public FixedPointDynamics(Backend backend, int[] stateSizes) {
    this(backend, stateSizes, 0f);
  }

  /**
   * @param backend where the states live
   * @param stateSizes units per free layer (as {@link org.eqprop.api.Energy#stateSizes()})
   * @param tolerance stop once a step moves no state element by this much; 0 runs every step
   */
  public FixedPointDynamics(Backend backend, int[] stateSizes, float tolerance) {
    this.backend = backend;
    this.workspace = new Workspace(backend, stateSizes);
    this.tolerance = Workspace.requireTolerance(tolerance);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int relax(ClampedEnergy energy, Cost cost, Tensor target, float beta, State state, int steps) {
    if (!(1f + beta > 0f)) {
      throw new IllegalArgumentException(
          "fixed-point dynamics needs beta > -1 (the nudged output's curvature 1 + beta must be positive), got " + beta);
    }
    Workspace.Work w = workspace.forRelax(target, beta, state, steps);
    return workspace.run(w, state, steps, tolerance, () -> step(energy, cost, target, beta, state, w));
  }

  private void step(
      ClampedEnergy energy, Cost cost, Tensor target, float beta, State state, Workspace.Work w) {
    int out = state.size() - 1;
    for (int parity = 0; parity < 2; parity++) {
      energy.stateGradient(state, w.grad);
      if (beta != 0f && out % 2 == parity) {
        cost.gradient(state.output(), target, w.costGrad);
        backend.axpy(beta, w.costGrad, w.grad.layer(out));
      }
      for (int k = parity; k < state.size(); k += 2) {
        float step = k == out ? 1f / (1f + beta) : 1f;
        backend.axpy(-step, w.grad.layer(k), state.layer(k));
        backend.clip(state.layer(k), 0f, 1f, state.layer(k));
      }
    }
  }
}
