package org.eqprop.runner.train;

import org.eqprop.runner.config.RunConfig;

/**
 * Supplies {@link Workers} for a {@code distributed.engine}, found with {@link
 * java.util.ServiceLoader}. The runner ships none: the Spark module provides {@code spark}, and the
 * launcher puts it on the class path for {@code --engine spark} only.
 */
public interface WorkersProvider {
  /** The engine's name, as {@code distributed.engine} gives it. */
  String name();

  /**
   * Starts the workers of a run.
   *
   * @param config the run's configuration
   * @param configYaml the same as YAML, from which each worker builds its own copy of the run
   */
  Workers open(RunConfig config, String configYaml);
}
