package org.eqprop.runner.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.RunConfig;
import picocli.CommandLine.Option;

/** The {@code --preset}, {@code --config} and {@code --set} options of the commands that build a configuration. */
final class ConfigOptions {
  @Option(names = "--preset", paramLabel = "NAME",
      description = "Start from a preset: paper-1h, paper-2h, paper-3h, adam-1h, "
          + "adam-wide, deep-3h, conv-mnist, conv-cifar10 (default settings are paper-1h).")
  String preset;

  @Option(names = "--config", paramLabel = "FILE", description = "A YAML config file, applied over the preset.")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set learner.beta=0.5 (repeatable).")
  List<String> sets = new ArrayList<>();

  /** Whether any of the three was given. */
  boolean given() {
    return preset != null || config != null || !sets.isEmpty();
  }

  /** The preset's name, or {@code paper-1h} (what the defaults are) when none was given. */
  String presetName() {
    return preset != null ? preset : "paper-1h";
  }

  /** Defaults, preset, file, {@code --set} values, then {@code flags} (null values skipped). */
  RunConfig load(ConfigLoader loader, Map<String, Object> flags) {
    return loader.load(preset, config, sets, flags);
  }
}
