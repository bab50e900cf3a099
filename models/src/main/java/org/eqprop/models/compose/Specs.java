package org.eqprop.models.compose;

import org.eqprop.api.spi.InteractionSpec;

/** The checks the built-in interaction providers make of a declaration. */
final class Specs {
  private Specs() {}

  static void requireNoOptions(InteractionSpec spec) {
    if (!spec.options().isEmpty()) {
      throw new IllegalArgumentException(
          "interaction " + spec.name() + " (" + spec.type() + ") takes no options, got " + spec.options().keySet());
    }
  }

  static void requireLayers(InteractionSpec spec, int count) {
    if (spec.layers().size() != count) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (" + spec.type() + ") joins " + count
          + (count == 1 ? " layer" : " layers") + ", got " + spec.layers());
    }
  }
}
