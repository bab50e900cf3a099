package org.eqprop.api.compose;

import java.util.Objects;

/**
 * A block of state units of a composed energy: {@code units} values per sample, between the bounds
 * {@code 0} and {@code 1}, read by the interactions through the hard sigmoid {@code ρ(s) = clip(s,
 * 0, 1)} (with {@code ρ' = 1} on {@code [0, 1]}, 0 outside, as the paper's authors take it). A
 * clamped layer holds the input and is not relaxed; every other layer is free and adds the self
 * term {@code ½‖s‖²} to the energy.
 *
 * @param name unique within the network, e.g. {@code input} or {@code h1}
 * @param units units per sample, positive
 * @param clamped whether the layer is the clamped input
 */
public record Layer(String name, int units, boolean clamped) {

  /** Validates the fields. */
  public Layer {
    Objects.requireNonNull(name, "name");
    if (units <= 0) {
      throw new IllegalArgumentException("layer " + name + " needs a positive number of units, got " + units);
    }
  }

  /** A free layer. */
  public static Layer free(String name, int units) {
    return new Layer(name, units, false);
  }

  /** The clamped input layer. */
  public static Layer input(String name, int units) {
    return new Layer(name, units, true);
  }
}
