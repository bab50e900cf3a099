/** Costs comparing the output layer with a target: {@code squared-error} and {@code cross-entropy}. */
package org.eqprop.models.cost;
