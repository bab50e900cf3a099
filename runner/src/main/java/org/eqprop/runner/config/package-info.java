/**
 * Run configuration: typed records ({@link org.eqprop.runner.config.RunConfig}) bound from YAML,
 * presets, and the merge order defaults → preset → {@code --config} file → {@code --set} → flags,
 * with one-line errors for unknown keys (naming the closest valid one), wrong types and
 * out-of-range values.
 */
package org.eqprop.runner.config;
