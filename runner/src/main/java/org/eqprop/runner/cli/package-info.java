/**
 * The picocli subcommands: {@code train}, {@code evaluate}, {@code backends}, {@code models},
 * {@code check-model}, {@code bench} and {@code gradcheck}; {@link org.eqprop.runner.cli.ExtensionCommand}
 * for commands other modules add ({@code sweep}), and {@link org.eqprop.runner.cli.ShardTrainer}, a
 * data-parallel worker's copy of a run.
 */
package org.eqprop.runner.cli;
