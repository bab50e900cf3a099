/**
 * What a run writes and owns: its directory ({@code config.yaml}, {@code metrics.csv}, {@code
 * metrics.png}, {@code checkpoint.safetensors}), checkpoints in the safetensors format, and the
 * atomic writes that keep every file whole.
 */
package org.eqprop.runner.run;
