package org.eqprop.models.dynamics;

import java.util.Optional;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Capability;
import org.eqprop.api.tensor.ChainPhases;
import org.eqprop.api.tensor.ChainRelaxation;
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
 *
 * <p>Where the backend offers {@link Capability#CHAIN_RELAXATION}, the energy is a {@link
 * ClampedEnergy#chain() chain} and the cost the squared error, the whole relaxation runs as the
 * backend's fused kernel; otherwise step by step through the energy's gradient. With a tolerance,
 * the relaxation stops after the first step that moves no state element by that much. Where the
 * backend also offers {@link Capability#CHAIN_PHASES}, it fuses a training step's two phases
 * ({@link #fusedPhases}).
 */
public final class GradientDynamics implements Dynamics {
  /** The dynamics' name. */
  public static final String NAME = "gradient";

  private final Backend backend;
  private final float eps;
  private final Workspace workspace;
  private final ChainRelaxation fused;
  private final ChainPhases phases;
  private final float tolerance;

  /** Runs every step it is given (no convergence test). */
  public GradientDynamics(Backend backend, int[] stateSizes, float eps) {
    this(backend, stateSizes, eps, 0f);
  }

  /**
   * @param backend where the states live
   * @param stateSizes units per free layer (as {@link org.eqprop.api.Energy#stateSizes()})
   * @param eps the step size, positive
   * @param tolerance stop once a step moves no state element by this much; 0 runs every step
   */
  public GradientDynamics(Backend backend, int[] stateSizes, float eps, float tolerance) {
    if (!(eps > 0f) || Float.isInfinite(eps)) {
      throw new IllegalArgumentException("eps must be positive and finite, got " + eps);
    }
    this.backend = backend;
    this.workspace = new Workspace(backend, stateSizes);
    this.eps = eps;
    this.tolerance = Workspace.requireTolerance(tolerance);
    this.fused =
        backend.capabilities().contains(Capability.CHAIN_RELAXATION)
            ? backend.chainRelaxation()
            : null;
    this.phases =
        backend.capabilities().contains(Capability.CHAIN_PHASES) ? backend.chainPhases() : null;
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
    Optional<ClampedEnergy.Chain> chain =
        fused != null && (beta == 0f || cost.isSquaredError()) ? energy.chain() : Optional.empty();
    if (chain.isPresent()) {
      ClampedEnergy.Chain c = chain.get();
      if (tolerance == 0f) {
        fused.relax(c.drive(), c.weights(), c.biases(), target, beta, eps, state.layers(), steps);
        return steps;
      }
      return workspace.run(w, state, steps, tolerance,
          () -> fused.relax(c.drive(), c.weights(), c.biases(), target, beta, eps, state.layers(), 1));
    }
    return workspace.run(w, state, steps, tolerance, () -> step(energy, cost, target, beta, state, w));
  }

  /**
   * Where the backend offers {@link Capability#CHAIN_PHASES}, every step is run (no tolerance), the
   * energy is a chain and the cost the squared error: both phases as the backend's {@link
   * ChainPhases}.
   */
  @Override
  public Optional<FusedPhases> fusedPhases(ClampedEnergy energy, Cost cost) {
    if (phases == null || tolerance != 0f || !cost.isSquaredError()) {
      return Optional.empty();
    }
    return energy.chain().map(c -> (target, beta, free, nudged, freeSteps, nudgedSteps, fromZeros, e, classes) ->
        phases.run(c.drive(), c.weights(), c.biases(), target, beta, eps, free.layers(), nudged.layers(), freeSteps,
            nudgedSteps, fromZeros, e, classes));
  }

  private void step(
      ClampedEnergy energy, Cost cost, Tensor target, float beta, State state, Workspace.Work w) {
    int out = state.size() - 1;
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
}
