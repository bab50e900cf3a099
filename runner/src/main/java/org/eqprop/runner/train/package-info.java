/**
 * The training loop, evaluation, and what a run writes: {@code config.yaml}, {@code metrics.csv}
 * and {@code parameters.safetensors} in its output directory.
 */
package org.eqprop.runner.train;
