package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.runner.wiring.ModelRegistry;
import org.eqprop.runner.wiring.NetworkModel;
import org.eqprop.runner.plugins.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eqprop models}: every discovered model, and the interaction types networks are declared with. */
@Command(name = "models", description = "List every discovered model and interaction type.",
    mixinStandardHelpOptions = true)
public final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%-20s %s%n", "NAME", "DESCRIPTION");
    Plugins loaded = plugins.load();
    ModelRegistry registry = ModelRegistry.discover(loaded);
    for (ModelProvider p : registry.providers()) {
      w.printf("%-20s %s%s%n", p.name(), p.description(), loaded.isPlugin(p) ? " [plugin " + Plugins.origin(p) + "]" : "");
    }
    w.printf("%-20s %s%n", NetworkModel.NAME, "a network declared in model.interactions from the types below");
    w.printf("%n%-20s %s%n", "INTERACTION TYPE", "DESCRIPTION");
    for (InteractionProvider p : registry.interactions().providers()) {
      w.printf("%-20s %s%s%n", p.type(), p.description(), loaded.isPlugin(p) ? " [plugin " + Plugins.origin(p) + "]" : "");
    }
    return 0;
  }
}
