package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.eqprop.api.spi.CostProvider;
import org.eqprop.api.spi.DynamicsProvider;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.LearnerProvider;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.runner.wiring.ComponentRegistry;
import org.eqprop.runner.wiring.ModelRegistry;
import org.eqprop.runner.wiring.NetworkModel;
import org.eqprop.runner.plugins.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code eqprop models}: every discovered model, the interaction types networks are declared with,
 * and the dynamics, costs, optimizers and learners.
 */
@Command(name = "models", description = "List every discovered model, interaction type, dynamics, cost, optimizer "
    + "and learner.",
    mixinStandardHelpOptions = true)
public final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    Plugins loaded = plugins.load();
    ModelRegistry registry = ModelRegistry.discover(loaded);
    w.printf("%-20s %s%n", "NAME", "DESCRIPTION");
    rows(w, loaded, registry.providers(), ModelProvider::name, ModelProvider::description);
    w.printf("%-20s %s%n", NetworkModel.NAME, "a network declared in model.interactions from the types below");
    section(w, loaded, "INTERACTION TYPE", registry.interactions().providers(), InteractionProvider::type,
        InteractionProvider::description);
    ComponentRegistry c = registry.components();
    section(w, loaded, "DYNAMICS", c.dynamics().providers(), DynamicsProvider::name, DynamicsProvider::description);
    section(w, loaded, "COST", c.costs().providers(), CostProvider::name, CostProvider::description);
    section(w, loaded, "OPTIMIZER", c.optimizers().providers(), OptimizerProvider::name, OptimizerProvider::description);
    section(w, loaded, "LEARNER", c.learners().providers(), LearnerProvider::name, LearnerProvider::description);
    return 0;
  }

  private static <T> void section(PrintWriter w, Plugins loaded, String title, java.util.List<T> providers,
      java.util.function.Function<T, String> name, java.util.function.Function<T, String> description) {
    w.printf("%n%-20s %s%n", title, "DESCRIPTION");
    rows(w, loaded, providers, name, description);
  }

  /** A line a provider: its name, its description, and the jar a plug-in came from. */
  private static <T> void rows(PrintWriter w, Plugins loaded, java.util.List<T> providers,
      java.util.function.Function<T, String> name, java.util.function.Function<T, String> description) {
    for (T p : providers) {
      w.printf("%-20s %s%s%n", name.apply(p), description.apply(p),
          loaded.isPlugin(p) ? " [plugin " + Plugins.origin(p) + "]" : "");
    }
  }
}
