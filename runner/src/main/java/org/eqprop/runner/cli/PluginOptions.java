package org.eqprop.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eqprop.runner.plugins.Plugins;
import picocli.CommandLine.Option;

/** The {@code --plugins} option shared by the commands that discover models and backends. */
final class PluginOptions {
  @Option(names = "--plugins", paramLabel = "JAR_OR_DIR", split = ",",
      description = "Plug-in jars, or directories of jars, that add models or backends (comma-separated, repeatable).")
  List<Path> paths = new ArrayList<>();

  /** The plug-ins named, loaded. */
  Plugins load() {
    return Plugins.load(paths);
  }
}
