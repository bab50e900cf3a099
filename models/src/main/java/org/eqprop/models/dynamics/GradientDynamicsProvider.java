package org.eqprop.models.dynamics;

import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.DynamicsProvider;
import org.eqprop.api.spi.Settings;

/** Registers {@link GradientDynamics} as {@code gradient}: {@code dynamics.eps}, {@code dynamics.tolerance}. */
public final class GradientDynamicsProvider implements DynamicsProvider {
  @Override
  public String name() {
    return GradientDynamics.NAME;
  }

  @Override
  public String description() {
    return "the paper's synchronous steps s <- clip(s - eps dF/ds, 0, 1)";
  }

  @Override
  public Dynamics create(Settings config, Energy energy) {
    return new GradientDynamics(energy.backend(), energy.stateSizes(), (float) config.number("dynamics.eps"),
        (float) config.number("dynamics.tolerance"));
  }
}
