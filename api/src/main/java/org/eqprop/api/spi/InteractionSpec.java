package org.eqprop.api.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One interaction as a network declares it ({@code model.interactions} in the run configuration).
 *
 * @param type the interaction type, e.g. {@code dense} (an {@link InteractionProvider#type()})
 * @param layers the indices of the layers it touches, in the network's list (input first)
 * @param name the name of its parameter (a type with several parameters names them {@code
 *     name.suffix}); unique within the network
 * @param group the learning-rate group of its parameters
 * @param options type-specific settings; empty when none are given
 */
public record InteractionSpec(String type, List<Integer> layers, String name, int group, Map<String, Object> options) {

  /** Validates and copies the fields. */
  public InteractionSpec {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    layers = List.copyOf(layers);
    options = Map.copyOf(Objects.requireNonNull(options, "options"));
    if (group < 0) {
      throw new IllegalArgumentException("group must be >= 0, got " + group);
    }
  }
}
