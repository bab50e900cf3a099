package org.eqprop.models.hopfield;

import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.api.spi.ModelSpec;
import org.eqprop.api.tensor.Backend;

/** Registers {@link LayeredHopfield} as the model {@code layered-hopfield}. It takes no options. */
public final class LayeredHopfieldProvider implements ModelProvider {
  /** The model's name. */
  public static final String NAME = "layered-hopfield";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the paper's layered Hopfield network (hard-sigmoid, Glorot init), any layer sizes";
  }

  @Override
  public Energy create(ModelSpec spec, Backend backend, RandomGenerator random) {
    if (!spec.options().isEmpty()) {
      throw new IllegalArgumentException(
          "model " + NAME + " takes no options, got " + spec.options().keySet());
    }
    int[] sizes = spec.layers().stream().mapToInt(Integer::intValue).toArray();
    return LayeredHopfield.glorot(backend, sizes, random);
  }
}
