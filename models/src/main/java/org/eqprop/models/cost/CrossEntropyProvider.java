package org.eqprop.models.cost;

import org.eqprop.api.Cost;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.CostProvider;
import org.eqprop.api.spi.Settings;

/** Registers {@link CrossEntropy} as {@code cross-entropy}. */
public final class CrossEntropyProvider implements CostProvider {
  @Override
  public String name() {
    return CrossEntropy.NAME;
  }

  @Override
  public String description() {
    return "softmax cross-entropy of the output layer read as logits";
  }

  @Override
  public Cost create(Settings config, Energy energy) {
    return new CrossEntropy(energy.backend());
  }
}
