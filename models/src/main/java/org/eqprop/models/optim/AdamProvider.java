package org.eqprop.models.optim;

import java.util.List;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.api.spi.Settings;
import org.eqprop.api.tensor.Backend;

/**
 * Registers {@link Adam} as {@code adam}: {@code optimizer.learning-rates}, {@code
 * optimizer.beta1}, {@code optimizer.beta2}, {@code optimizer.epsilon}, {@code
 * optimizer.weight-decay}.
 */
public final class AdamProvider implements OptimizerProvider {
  @Override
  public String name() {
    return Adam.NAME;
  }

  @Override
  public String description() {
    return "Adam (PyTorch's form), per-layer rates, decoupled weight decay";
  }

  @Override
  public Optimizer create(Settings config, Backend backend, List<Parameter> parameters) {
    return new Adam(backend, parameters, Rates.configured(config, parameters),
        (float) config.number("optimizer.beta1"), (float) config.number("optimizer.beta2"),
        (float) config.number("optimizer.epsilon"), (float) config.number("optimizer.weight-decay"));
  }
}
