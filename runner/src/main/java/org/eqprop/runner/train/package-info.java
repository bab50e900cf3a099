/**
 * The training loop ({@link org.eqprop.runner.train.Trainer}) and what drives it: minibatches,
 * evaluation, the random streams, progress and listeners; the benchmark and the gradient check,
 * which run the same components. The run's files are in {@code org.eqprop.runner.run}, plots in
 * {@code org.eqprop.runner.report}.
 */
package org.eqprop.runner.train;
