package org.eqprop.models.chain;

import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

import java.util.List;

/**
 * Both relaxations of an EP training step for the layered network of {@link ChainRelaxation}, and
 * what the step reports between them, in one call (a kernel a backend offers through {@link org.eqprop.api.tensor.Backend#extension}): on a GPU one
 * launch where the training step otherwise takes eight calls (clearing the state, the free phase,
 * its energy, its classes, copying it, the nudged phase).
 */
public interface ChainPhases {

  /**
   * The free phase, {@code freeSteps} steps of {@link ChainRelaxation#relax} at {@code β = 0} on
   * {@code free} (from zeros where {@code fromZeros}, else from its contents); then each sample's
   * energy at the free fixed point ({@link ChainRelaxation#energy}) into {@code energy} and its
   * predicted class (the first largest unit of the output layer, as a float) into {@code classes};
   * then the nudged phase, {@code nudgedSteps} steps at {@code beta} towards {@code target}, from
   * the free fixed point into {@code nudged}. {@code free} keeps the free fixed point. An
   * implementation may decline shapes its kernel does not suit (too many units for one block, say):
   * it then returns {@code false} having changed nothing, and the caller runs the phases one by one.
   *
   * @param drive {@code batch × n₁}, the input's contribution {@code ρ(x)·W₁}
   * @param weights {@code W₂ … W_N} as for {@link ChainRelaxation#relax}
   * @param biases {@code b₁ … b_N}, {@code 1 × n_k}
   * @param target {@code batch × n_N}; may be null when {@code beta == 0}
   * @param beta the nudging strength of the nudged phase
   * @param eps the step size
   * @param free the free layers {@code s₁ … s_N}, {@code batch × n_k}
   * @param nudged layers shaped as {@code free}, overwritten with the nudged phase's state
   * @param freeSteps steps of the free phase, {@code ≥ 0}
   * @param nudgedSteps steps of the nudged phase, {@code ≥ 0}
   * @param fromZeros start the free phase from zeros instead of {@code free}'s contents
   * @param energy {@code batch × 1}, overwritten with each sample's energy at the free fixed point
   * @param classes {@code batch × 1}, overwritten with each sample's predicted class
   * @return whether it ran; {@code false} where it declined these shapes
   * @throws IllegalArgumentException when the arguments do not fit (checked before declining)
   */
  boolean run(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta, float eps,
      List<Tensor> free, List<Tensor> nudged, int freeSteps, int nudgedSteps, boolean fromZeros, Tensor energy,
      Tensor classes);

  /**
   * Checks the arguments of {@link #run} as every implementation must, with the same messages.
   *
   * @return the layer sizes {@code n₁ … n_N}
   */
  static int[] check(Tensor drive, List<Tensor> weights, List<Tensor> biases, Tensor target, float beta,
      List<Tensor> free, List<Tensor> nudged, int freeSteps, int nudgedSteps, Tensor energy, Tensor classes) {
    // both lists are checked against the same weights and biases, so they have as many layers
    ChainRelaxation.check(drive, weights, biases, null, 0f, free, freeSteps);
    int[] n = ChainRelaxation.check(drive, weights, biases, target, beta, nudged, nudgedSteps);
    for (int k = 0; k < n.length; k++) {
      if (free.get(k) == nudged.get(k)) {
        throw new IllegalArgumentException("chain-phases: layer " + (k + 1) + " is both free and nudged");
      }
    }
    Shapes.requireShape("chain-phases energy", energy, drive.rows(), 1);
    Shapes.requireShape("chain-phases classes", classes, drive.rows(), 1);
    return n;
  }
}
