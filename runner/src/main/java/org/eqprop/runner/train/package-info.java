/**
 * The training loop, evaluation, benchmarks, the gradient check, and what a run writes: {@code
 * config.yaml}, {@code metrics.csv}, {@code metrics.png} and {@code checkpoint.safetensors} in its
 * output directory.
 */
package org.eqprop.runner.train;
