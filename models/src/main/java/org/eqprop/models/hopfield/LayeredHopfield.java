package org.eqprop.models.hopfield;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.compose.Bias;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.compose.Dense;

/**
 * The layered Hopfield energy of the paper as a composition, for any list of layer sizes {@code
 * n_0 (input), n_1, …, n_N (output)}:
 *
 * <pre>
 *   E(s) = ½ Σ_k ‖s_k‖² − Σ_k b_k·ρ(s_k) − Σ_k ρ(s_{k−1}) W_k ρ(s_k)ᵀ,   ρ(s) = clip(s, 0, 1)
 * </pre>
 *
 * with {@code s_0 = x} clamped: layers {@code input, h1, …, output}, and for each {@code k} a
 * {@link Dense} {@code W_k} ({@code n_{k−1} × n_k}) between layers {@code k − 1} and {@code k} and a
 * {@link Bias} {@code b_k}. Parameters are ordered {@code W1, b1, W2, b2, …}; both tensors of layer
 * {@code k} form learning-rate group {@code k − 1}. No gradient is written here: each term carries
 * its own.
 */
public final class LayeredHopfield {
  private LayeredHopfield() {}

  /** The layers {@code input, h1, …, output} of the given sizes. */
  public static List<Layer> layers(int[] sizes) {
    validate(sizes);
    List<Layer> layers = new ArrayList<>();
    for (int k = 0; k < sizes.length; k++) {
      String name = k == 0 ? "input" : k == sizes.length - 1 ? "output" : "h" + k;
      layers.add(new Layer(name, sizes[k], k == 0));
    }
    return layers;
  }

  /**
   * A network with Glorot-uniform weights {@code U(±sqrt(6 / (n_in + n_out)))} and zero biases.
   *
   * @param sizes units per layer, input first; at least two layers, all positive
   */
  public static ComposedEnergy glorot(Backend backend, int[] sizes, RandomGenerator random) {
    List<Layer> layers = layers(sizes);
    List<Interaction> terms = new ArrayList<>();
    for (int k = 1; k < sizes.length; k++) {
      terms.add(Dense.glorot(backend, layers, k - 1, k, "W" + k, k - 1, random));
      terms.add(Bias.zeros(backend, layers, k, "b" + k, k - 1));
    }
    return new ComposedEnergy(backend, layers, terms);
  }

  /**
   * A network with the given parameters, copied to {@code backend}.
   *
   * @param weights {@code weights[k-1]} is {@code W_k}, row-major {@code n_{k−1} × n_k}
   * @param biases {@code biases[k-1]} is {@code b_k}, length {@code n_k}
   */
  public static ComposedEnergy of(Backend backend, int[] sizes, List<float[]> weights, List<float[]> biases) {
    List<Layer> layers = layers(sizes);
    if (weights.size() != sizes.length - 1 || biases.size() != sizes.length - 1) {
      throw new IllegalArgumentException(
          "need " + (sizes.length - 1) + " weight matrices and bias vectors, got "
              + weights.size() + " and " + biases.size());
    }
    List<Interaction> terms = new ArrayList<>();
    for (int k = 1; k < sizes.length; k++) {
      terms.add(new Dense(layers, k - 1, k,
          new Parameter("W" + k, k - 1, backend.fromHost(weights.get(k - 1), sizes[k - 1], sizes[k]))));
      terms.add(new Bias(layers, k, new Parameter("b" + k, k - 1, backend.fromHost(biases.get(k - 1), 1, sizes[k]))));
    }
    return new ComposedEnergy(backend, layers, terms);
  }

  private static void validate(int[] sizes) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException(
          "a layered network needs at least an input and an output layer, got " + Arrays.toString(sizes));
    }
    for (int n : sizes) {
      if (n <= 0) {
        throw new IllegalArgumentException("layer sizes must be positive, got " + Arrays.toString(sizes));
      }
    }
  }
}
