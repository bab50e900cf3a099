package org.eqprop.models.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Energy;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.compose.Bias;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.compose.Dense;

/**
 * Recognises the composition the chain kernels ({@link ChainRelaxation}, {@link ChainPhases},
 * {@link ChainContrast}) compute: the paper's layered network, that is layers {@code 0…N} with the
 * input clamped, one {@link Dense} from each layer {@code k − 1} to layer {@code k}, one {@link
 * Bias} on each free layer, and nothing else. Fast paths ask {@link #of} and run the generic
 * composition where it answers empty.
 */
public final class DenseChain {
  private final ComposedEnergy energy;
  private final int firstDense;
  private final List<Tensor> weights;
  private final List<Tensor> biases;
  private final int[] weightIndex;
  private final int[] biasIndex;

  private DenseChain(ComposedEnergy energy, int firstDense, List<Tensor> weights, List<Tensor> biases,
      int[] weightIndex, int[] biasIndex) {
    this.energy = energy;
    this.firstDense = firstDense;
    this.weights = List.copyOf(weights);
    this.biases = List.copyOf(biases);
    this.weightIndex = weightIndex;
    this.biasIndex = biasIndex;
  }

  /** The chain form of {@code energy}, where it is one. */
  public static Optional<DenseChain> of(Energy energy) {
    if (!(energy instanceof ComposedEnergy composed)) {
      return Optional.empty();
    }
    int depth = composed.layers().size() - 1;
    List<Interaction> terms = composed.interactions();
    if (terms.size() != 2 * depth) {
      return Optional.empty();
    }
    Tensor[] w = new Tensor[depth + 1];
    Tensor[] b = new Tensor[depth + 1];
    int[] wi = new int[depth + 1];
    int[] bi = new int[depth + 1];
    int firstDense = -1;
    for (int i = 0; i < terms.size(); i++) {
      Interaction t = terms.get(i);
      if (t instanceof Dense d && d.to() == d.from() + 1 && w[d.to()] == null) {
        w[d.to()] = d.weights().value();
        wi[d.to()] = composed.firstParameter(i);
        if (d.to() == 1) {
          firstDense = i;
        }
      } else if (t instanceof Bias bias && b[bias.layer()] == null) {
        b[bias.layer()] = bias.bias().value();
        bi[bias.layer()] = composed.firstParameter(i);
      } else {
        return Optional.empty();
      }
    }
    List<Tensor> weights = new ArrayList<>();
    List<Tensor> biases = new ArrayList<>();
    for (int k = 1; k <= depth; k++) {
      if (w[k] == null || b[k] == null) {
        return Optional.empty();
      }
      if (k > 1) {
        weights.add(w[k]);
      }
      biases.add(b[k]);
    }
    return Optional.of(new DenseChain(composed, firstDense, weights, biases,
        java.util.Arrays.copyOfRange(wi, 1, depth + 1), java.util.Arrays.copyOfRange(bi, 1, depth + 1)));
  }

  /** {@code W₂ … W_N}, the weights between free layers. */
  public List<Tensor> weights() {
    return weights;
  }

  /** {@code b₁ … b_N}. */
  public List<Tensor> biases() {
    return biases;
  }

  /** The index in the energy's parameters of {@code W_k}, {@code k = 1…N}. */
  public int weightIndex(int k) {
    return weightIndex[k - 1];
  }

  /** The index in the energy's parameters of {@code b_k}, {@code k = 1…N}. */
  public int biasIndex(int k) {
    return biasIndex[k - 1];
  }

  /** The free layers' count {@code N}. */
  public int depth() {
    return biases.size();
  }

  /**
   * {@code ρ(x)·W₁} of a clamp of this chain's energy, as the clamp computed it.
   *
   * @throws IllegalArgumentException where {@code clamped} is not a clamp of this chain's energy
   */
  public Tensor drive(ClampedEnergy clamped) {
    return ((Dense.DenseTerm) requireOwn(clamped).term(firstDense)).inputDrive();
  }

  /** {@code ρ(x)} of a clamp of this chain's energy. */
  public Tensor input(ClampedEnergy clamped) {
    return requireOwn(clamped).input();
  }

  private ComposedEnergy.Clamped requireOwn(ClampedEnergy clamped) {
    if (clamped instanceof ComposedEnergy.Clamped c && c.energy() == energy) {
      return c;
    }
    throw new IllegalArgumentException("not a clamp of this chain's energy");
  }
}
