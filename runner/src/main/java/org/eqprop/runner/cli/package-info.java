/** The picocli subcommands: {@code train}, {@code evaluate}, {@code backends}, {@code models}. */
package org.eqprop.runner.cli;
