package org.eqprop.api;

/**
 * What one training step saw at the free fixed point, before the update.
 *
 * @param errors samples whose predicted class was wrong
 * @param energy the energy {@code E(s⁰)} summed over the batch
 */
public record TrainStep(int errors, double energy) {}
