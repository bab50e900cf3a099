package org.eqprop.examples.skip;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.compose.Bias;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.compose.Dense;

/**
 * A layered Hopfield network with skip connections, composed from the built-in interactions:
 * besides {@code W_k} between neighbouring layers, a {@link Dense} {@code V_k} joins layer {@code k −
 * 2} to layer {@code k} (for 784-500-10, the input straight to the output):
 *
 * <pre>
 *   E(s) = ½ Σ_k ‖s_k‖² − Σ_k b_k·ρ(s_k) − Σ_k ρ(s_{k−1}) W_k ρ(s_k)ᵀ − Σ_{k≥2} ρ(s_{k−2}) V_k ρ(s_k)ᵀ
 * </pre>
 *
 * No gradient is written here: each {@link Dense} and {@link Bias} carries its own, checked once
 * against finite differences. Parameters are {@code W1, b1, W2, b2, V2, W3, b3, V3, …}; the tensors
 * feeding layer {@code k} form learning-rate group {@code k − 1}, so per-layer learning rates apply
 * as in the paper's network.
 */
public final class SkipHopfield {
  private SkipHopfield() {}

  /** A network with Glorot-uniform weights and zero biases. */
  public static ComposedEnergy random(Backend backend, int[] sizes, RandomGenerator random) {
    if (sizes.length < 2) {
      throw new IllegalArgumentException("needs at least an input and an output layer, got " + sizes.length + " sizes");
    }
    List<Layer> layers = new ArrayList<>();
    for (int k = 0; k < sizes.length; k++) {
      layers.add(new Layer(k == 0 ? "input" : "s" + k, sizes[k], k == 0));
    }
    List<Interaction> terms = new ArrayList<>();
    for (int k = 1; k < sizes.length; k++) {
      terms.add(Dense.glorot(backend, layers, k - 1, k, "W" + k, k - 1, random));
      terms.add(Bias.zeros(backend, layers, k, "b" + k, k - 1));
      if (k >= 2) {
        terms.add(Dense.glorot(backend, layers, k - 2, k, "V" + k, k - 1, random));
      }
    }
    return new ComposedEnergy(backend, layers, terms);
  }
}
