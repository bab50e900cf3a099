package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.runner.wiring.ModelRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eqprop models}: every discovered model. */
@Command(name = "models", description = "List every discovered model.", mixinStandardHelpOptions = true)
public final class ModelsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    w.printf("%-20s %s%n", "NAME", "DESCRIPTION");
    for (ModelProvider p : ModelRegistry.discover().providers()) {
      w.printf("%-20s %s%n", p.name(), p.description());
    }
    return 0;
  }
}
