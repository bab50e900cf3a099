package org.eqprop.runner.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand that a module beside the runner adds to {@code eqprop}, found with {@link
 * java.util.ServiceLoader}: a picocli {@code @Command} class with a public no-argument constructor,
 * named by its annotation. The runner's class path holds none; the launcher adds a module's jars for
 * that module's commands only ({@code eqprop sweep}: the Spark module), so {@code eqprop train}
 * neither loads nor needs them.
 */
public interface ExtensionCommand extends Callable<Integer> {}
