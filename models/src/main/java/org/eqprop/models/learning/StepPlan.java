package org.eqprop.models.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Optimizer;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.chain.DenseChain;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.cost.SquaredError;
import org.eqprop.models.dynamics.GradientDynamics;
import org.eqprop.models.optim.Sgd;

/**
 * The one place that decides how a training step of {@link EquilibriumPropagation} runs: where the
 * energy, dynamics, cost, estimator and optimizer all match a kernel the backend offers ({@link
 * Backend#extension}), that kernel; otherwise the generic composition of the energy's own
 * operations. Decided once, when the learner is made; every choice computes the same step up to
 * float rounding (the backend kits check each kernel against the double reference).
 *
 * <ul>
 *   <li>{@link #fusedPhases}: both phases of a one-sided EP step in one {@link ChainPhases} call, for
 *       a {@link DenseChain} under the {@code gradient} dynamics running every step and the squared
 *       error.
 *   <li>{@link #energy}: the free fixed point's energy by {@link ChainRelaxation#energy}, for a
 *       {@link DenseChain}.
 *   <li>{@link #contrast}: the contrast with one scale per parameter, by {@link ChainContrast} for a
 *       {@link DenseChain}, else the {@link ComposedEnergy}'s own; empty for other energies.
 *   <li>{@link #foldsUpdate}: with plain SGD and a cost without parameters the update is folded into
 *       that contrast (added to the parameters at minus the rates, no gradient buffer, no optimizer
 *       step).
 * </ul>
 */
final class StepPlan {
  /** Both phases of an EP step in one call. */
  @FunctionalInterface
  interface FusedPhases {
    /** As {@link ChainPhases#run}, on the clamped energy's chain: false where the kernel declined. */
    boolean run(ClampedEnergy clamped, org.eqprop.api.Batch batch, float beta, State free, State nudged, int freeSteps,
        int nudgedSteps, boolean fromZeros, Tensor energy, Tensor classes);
  }

  /** A contrast with one scale per parameter: {@code into[i] += scales[i]·(∂E/∂θ_i(a) − ∂E/∂θ_i(b))}. */
  @FunctionalInterface
  interface ScaledContrast {
    /** Adds it. */
    void add(ClampedEnergy clamped, State a, State b, float[] scales, List<Tensor> into);
  }

  /** Each sample's energy at a state. */
  @FunctionalInterface
  interface EnergyOf {
    /** Writes it into {@code out} ({@code batch × 1}). */
    void energy(ClampedEnergy clamped, State s, Tensor out);
  }

  final Optional<FusedPhases> fusedPhases;
  final EnergyOf energy;
  final Optional<ScaledContrast> contrast;
  final Optional<Sgd> foldsUpdate;

  StepPlan(Energy energy, Dynamics dynamics, Cost cost, GradientEstimator estimator, Optimizer optimizer) {
    Backend backend = energy.backend();
    Optional<DenseChain> chain = DenseChain.of(energy);
    this.fusedPhases = chain.flatMap(c -> fusedPhases(c, backend, dynamics, cost, estimator));
    this.energy = chain.flatMap(c -> backend.extension(ChainRelaxation.class).map(k -> chainEnergy(c, k)))
        .orElse(ClampedEnergy::energy);
    Optional<ScaledContrast> fused =
        chain.flatMap(c -> backend.extension(ChainContrast.class).map(k -> chainContrast(c, k)));
    this.contrast = fused.isPresent() || !(energy instanceof ComposedEnergy)
        ? fused
        : Optional.of((clamped, a, b, scales, into) ->
            ((ComposedEnergy.Clamped) clamped).addScaledContrast(a, b, scales, into));
    this.foldsUpdate = contrast.isPresent() && cost.parameters().isEmpty() && optimizer instanceof Sgd sgd
        && sgd.descentRates(energy.parameters()).isPresent() ? Optional.of(sgd) : Optional.empty();
  }

  private static Optional<FusedPhases> fusedPhases(DenseChain c, Backend backend, Dynamics dynamics, Cost cost,
      GradientEstimator estimator) {
    if (!(dynamics instanceof GradientDynamics g) || g.tolerance() != 0f || !(cost instanceof SquaredError)
        || !(estimator instanceof GradientEstimator.Nudged)) {
      return Optional.empty();
    }
    float eps = g.eps();
    return backend.extension(ChainPhases.class).map(k ->
        (clamped, batch, beta, free, nudged, freeSteps, nudgedSteps, fromZeros, e, classes) ->
            k.run(c.drive(clamped), c.weights(), c.biases(), batch.target(), beta, eps, free.layers(),
                nudged.layers(), freeSteps, nudgedSteps, fromZeros, e, classes));
  }

  private static EnergyOf chainEnergy(DenseChain c, ChainRelaxation kernel) {
    return (clamped, s, out) -> kernel.energy(c.drive(clamped), c.weights(), c.biases(), s.layers(), out);
  }

  private static ScaledContrast chainContrast(DenseChain c, ChainContrast kernel) {
    int depth = c.depth();
    return (clamped, a, b, scales, into) -> {
      float[] weightScales = new float[depth];
      float[] biasScales = new float[depth];
      List<Tensor> w = new ArrayList<>(depth);
      List<Tensor> bias = new ArrayList<>(depth);
      for (int k = 1; k <= depth; k++) {
        // ∂E/∂W_k = −ρ(s_{k−1})ᵀρ(s_k) and ∂E/∂b_k = −Σ ρ(s_k): the kernel adds the contrast of ρρ, so minus
        weightScales[k - 1] = -scales[c.weightIndex(k)];
        biasScales[k - 1] = -scales[c.biasIndex(k)];
        w.add(into.get(c.weightIndex(k)));
        bias.add(into.get(c.biasIndex(k)));
      }
      kernel.add(c.input(clamped), a.layers(), b.layers(), weightScales, biasScales, w, bias);
    };
  }
}
