/** Costs comparing the output layer with a target: {@code squared-error}. */
package org.eqprop.models.cost;
