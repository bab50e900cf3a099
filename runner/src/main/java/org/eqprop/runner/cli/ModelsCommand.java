package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.runner.wiring.ModelRegistry;
import org.eqprop.runner.plugins.Plugins;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eqprop models}: every discovered model. */
@Command(name = "models", description = "List every discovered model.", mixinStandardHelpOptions = true)
public final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%-20s %s%n", "NAME", "DESCRIPTION");
    Plugins loaded = plugins.load();
    for (ModelProvider p : ModelRegistry.discover(loaded).providers()) {
      w.printf("%-20s %s%s%n", p.name(), p.description(), loaded.isPlugin(p) ? " [plugin " + Plugins.origin(p) + "]" : "");
    }
    return 0;
  }
}
