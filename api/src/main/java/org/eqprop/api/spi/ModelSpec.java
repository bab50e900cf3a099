package org.eqprop.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a run asks of a model: the layer sizes (input first, output last) and model-specific
 * options ({@code model.options.*} in the run configuration).
 *
 * @param layers unit counts per layer, input layer first; at least two entries, all positive
 * @param options model-specific settings; empty when none are given
 */
public record ModelSpec(List<Integer> layers, Map<String, Object> options) {

  /** Validates and copies the arguments. */
  public ModelSpec {
    Objects.requireNonNull(layers, "layers");
    layers = List.copyOf(layers);
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
    if (layers.size() < 2) {
      throw new IllegalArgumentException(
          "a model needs at least two layers (input and output), got " + layers);
    }
    for (int n : layers) {
      if (n <= 0) {
        throw new IllegalArgumentException("layer sizes must be positive, got " + layers);
      }
    }
  }

  /** Size of the input layer. */
  public int inputSize() {
    return layers.get(0);
  }

  /** Size of the output layer. */
  public int outputSize() {
    return layers.get(layers.size() - 1);
  }
}
