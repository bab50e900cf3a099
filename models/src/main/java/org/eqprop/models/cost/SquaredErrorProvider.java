package org.eqprop.models.cost;

import org.eqprop.api.Cost;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.CostProvider;
import org.eqprop.api.spi.Settings;

/** Registers {@link SquaredError} as {@code squared-error}. */
public final class SquaredErrorProvider implements CostProvider {
  @Override
  public String name() {
    return SquaredError.NAME;
  }

  @Override
  public String description() {
    return "1/2 ||y - d||^2";
  }

  @Override
  public Cost create(Settings config, Energy energy) {
    return new SquaredError(energy.backend());
  }
}
