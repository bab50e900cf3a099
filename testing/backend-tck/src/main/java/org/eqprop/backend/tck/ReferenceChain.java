package org.eqprop.backend.tck;

import java.util.ArrayList;
import java.util.List;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.api.tensor.Tensor;

/**
 * A {@link ReferenceHopfield} clamped to an input, as {@link ChainRelaxation} takes it: the drive
 * {@code ρ(x)·W₁} (computed in double), the weights {@code W₂ … W_N} and the biases, on a backend.
 *
 * @param drive {@code batch × n₁}
 * @param weights {@code W₂ … W_N}
 * @param biases {@code b₁ … b_N}
 */
public record ReferenceChain(Tensor drive, List<Tensor> weights, List<Tensor> biases) implements AutoCloseable {

  /** The chain of {@code ref} clamped to {@code x}, on {@code backend}. */
  public static ReferenceChain of(Backend backend, ReferenceHopfield ref, double[][] x) {
    int[] sizes = ref.sizes;
    List<Tensor> w = new ArrayList<>();
    List<Tensor> b = new ArrayList<>();
    for (int k = 0; k < sizes.length - 1; k++) {
      b.add(backend.fromHost(ReferenceHopfield.toFloat(ref.b[k]), 1, sizes[k + 1]));
      if (k > 0) {
        w.add(backend.fromHost(ReferenceHopfield.toFloat(ref.w[k]), sizes[k], sizes[k + 1]));
      }
    }
    double[][] drive = new double[x.length][sizes[1]];
    for (int i = 0; i < x.length; i++) {
      for (int p = 0; p < sizes[0]; p++) {
        for (int j = 0; j < sizes[1]; j++) {
          drive[i][j] += ReferenceHopfield.rho(x[i][p]) * ref.w[0][p][j];
        }
      }
    }
    return new ReferenceChain(Fixtures.tensor(backend, drive), List.copyOf(w), List.copyOf(b));
  }

  /** Relaxes {@code layers} in place with {@code relaxation}. */
  public void relax(ChainRelaxation relaxation, Tensor target, float beta, float eps, List<Tensor> layers, int steps) {
    relaxation.relax(drive, weights, biases, target, beta, eps, layers, steps);
  }

  @Override
  public void close() {
    drive.close();
    weights.forEach(Tensor::close);
    biases.forEach(Tensor::close);
  }
}
