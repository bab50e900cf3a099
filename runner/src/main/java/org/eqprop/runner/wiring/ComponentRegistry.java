package org.eqprop.runner.wiring;

import org.eqprop.api.spi.CostProvider;
import org.eqprop.api.spi.DynamicsProvider;
import org.eqprop.api.spi.LearnerProvider;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.runner.plugins.Plugins;

/**
 * The discovered dynamics, costs, optimizers and learners: the built-in ones (registered by the
 * {@code models} module) and those of plug-in jars, all through {@link java.util.ServiceLoader}.
 *
 * @param dynamics by {@code dynamics.name}
 * @param costs by {@code cost.name}
 * @param optimizers by {@code optimizer.name}
 * @param learners by {@code learner.name}
 */
public record ComponentRegistry(Registry<DynamicsProvider> dynamics, Registry<CostProvider> costs,
    Registry<OptimizerProvider> optimizers, Registry<LearnerProvider> learners) {

  /** Discovers every provider of the four kinds. */
  public static ComponentRegistry discover(Plugins plugins) {
    return new ComponentRegistry(
        new Registry<>("dynamics", plugins.providers(DynamicsProvider.class), DynamicsProvider::name),
        new Registry<>("cost", plugins.providers(CostProvider.class), CostProvider::name),
        new Registry<>("optimizer", plugins.providers(OptimizerProvider.class), OptimizerProvider::name),
        new Registry<>("learner", plugins.providers(LearnerProvider.class), LearnerProvider::name));
  }

  /** The built-in ones only (the application class path). */
  public static ComponentRegistry builtIn() {
    return discover(Plugins.none());
  }
}
