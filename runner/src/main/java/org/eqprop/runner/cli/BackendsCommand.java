package org.eqprop.runner.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.eqprop.runner.backend.BackendRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code eqprop backends}: every discovered backend, available or not, and why. */
@Command(
    name = "backends",
    description = "List every discovered backend with its priority, whether it is available here, and why not.",
    mixinStandardHelpOptions = true)
public final class BackendsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin PluginOptions plugins = new PluginOptions();

  @Override
  public Integer call() {
    PrintWriter w = spec.commandLine().getOut();
    BackendRegistry registry = BackendRegistry.discover(plugins.load().loader());
    String chosen = null;
    for (BackendRegistry.Entry e : registry.entries()) {
      if (e.availability().available()) {
        chosen = e.name();
        break;
      }
    }
    w.printf("%-10s %-9s %-12s %s%n", "NAME", "PRIORITY", "STATUS", "DETAIL");
    for (BackendRegistry.Entry e : registry.entries()) {
      String status = e.availability().available() ? "available" : "unavailable";
      String detail = e.description() + " - " + e.availability().reason() + (e.name().equals(chosen) ? " (default)" : "");
      w.printf("%-10s %-9d %-12s %s%n", e.name(), e.priority(), status, detail);
    }
    for (String failure : registry.loadFailures()) {
      w.printf("%-10s %-9s %-12s %s%n", "?", "-", "failed", failure);
    }
    return 0;
  }
}
