package org.eqprop.examples.skip;

import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.api.spi.ModelSpec;
import org.eqprop.api.tensor.Backend;

/**
 * Registers {@link SkipHopfield} as the model {@code skip-hopfield}; listed in {@code
 * META-INF/services/org.eqprop.api.spi.ModelProvider}.
 */
public final class SkipHopfieldProvider implements ModelProvider {
  @Override
  public String name() {
    return "skip-hopfield";
  }

  @Override
  public String description() {
    return "example plug-in: layered Hopfield network with skip connections (layer k-2 to layer k)";
  }

  @Override
  public Energy create(ModelSpec spec, Backend backend, RandomGenerator random) {
    if (!spec.options().isEmpty()) {
      throw new IllegalArgumentException("skip-hopfield takes no options, got " + spec.options().keySet());
    }
    int[] sizes = spec.layers().stream().mapToInt(Integer::intValue).toArray();
    return SkipHopfield.random(backend, sizes, random);
  }
}
