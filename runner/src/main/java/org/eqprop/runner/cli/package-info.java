/**
 * The picocli subcommands: {@code train}, {@code evaluate}, {@code backends}, {@code models},
 * {@code check-model}, {@code bench} and {@code gradcheck}.
 */
package org.eqprop.runner.cli;
