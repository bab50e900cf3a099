package org.eqprop.models.optim;

import java.util.List;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.api.spi.Settings;
import org.eqprop.api.tensor.Backend;

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
  public Optimizer create(Settings config, Backend backend, List<Parameter> parameters) {
    return new Sgd(backend, parameters, Rates.configured(config, parameters),
        (float) config.number("optimizer.momentum"), (float) config.number("optimizer.weight-decay"));
  }
}
