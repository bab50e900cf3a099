package org.eqprop.models.dynamics;

import java.util.Optional;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.chain.DenseChain;
import org.eqprop.models.cost.SquaredError;

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
 * <p>Where the backend offers a {@link ChainRelaxation}, the energy is a {@link DenseChain} and the
 * cost the squared error (or the phase free), the whole relaxation runs as the backend's kernel;
 * otherwise step by step through the energy's gradient. With a tolerance, the relaxation stops
 * after the first step that moves no state element by that much.
 */
public final class GradientDynamics implements Dynamics {
  /** The dynamics' name. */
  public static final String NAME = "gradient";

  private final Backend backend;
  private final float eps;
  private final Workspace workspace;
  private final Optional<ChainRelaxation> fused;
  /** The energy last relaxed and its chain form, recognised once per energy. */
  private org.eqprop.api.Energy lastEnergy;
  private Optional<DenseChain> lastChain = Optional.empty();
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
    this.fused = backend.extension(ChainRelaxation.class);
  }

  /** The stopping tolerance; 0 runs every step. */
  public float tolerance() {
    return tolerance;
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
    Optional<DenseChain> chain =
        fused.isPresent() && (beta == 0f || cost instanceof SquaredError) ? chain(energy) : Optional.empty();
    if (chain.isPresent()) {
      ChainRelaxation kernel = fused.get();
      DenseChain c = chain.get();
      Tensor drive = c.drive(energy);
      if (tolerance == 0f) {
        kernel.relax(drive, c.weights(), c.biases(), target, beta, eps, state.layers(), steps);
        return steps;
      }
      return workspace.run(w, state, steps, tolerance,
          () -> kernel.relax(drive, c.weights(), c.biases(), target, beta, eps, state.layers(), 1));
    }
    return workspace.run(w, state, steps, tolerance, () -> step(energy, cost, target, beta, state, w));
  }

  private Optional<DenseChain> chain(ClampedEnergy clamped) {
    if (!(clamped instanceof org.eqprop.models.compose.ComposedEnergy.Clamped c)) {
      return Optional.empty();
    }
    if (c.energy() != lastEnergy) {
      lastEnergy = c.energy();
      lastChain = DenseChain.of(lastEnergy);
    }
    return lastChain;
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
