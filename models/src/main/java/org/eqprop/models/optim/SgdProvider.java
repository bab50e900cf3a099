package org.eqprop.models.optim;

import org.eqprop.api.Energy;
import org.eqprop.api.Optimizer;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.api.spi.Settings;

/**
 * Registers {@link Sgd} as {@code sgd}: {@code optimizer.learning-rates}, {@code
 * optimizer.momentum}, {@code optimizer.weight-decay}.
 */
public final class SgdProvider implements OptimizerProvider {
  @Override
  public String name() {
    return Sgd.NAME;
  }

  @Override
  public String description() {
    return "per-layer SGD, optional heavy-ball momentum and decoupled weight decay";
  }

  @Override
  public Optimizer create(Settings config, Energy energy) {
    return new Sgd(energy.backend(), energy.parameters(), Rates.configured(config, energy),
        (float) config.number("optimizer.momentum"), (float) config.number("optimizer.weight-decay"));
  }
}
