/**
 * The composed energy ({@link org.eqprop.models.compose.ComposedEnergy}) and the built-in
 * interaction types: {@link org.eqprop.models.compose.Dense} weights between two layers and a
 * {@link org.eqprop.models.compose.Bias} on one, each with its gradients written once and
 * registered for networks declared in configuration ({@code dense}, {@code bias}).
 */
package org.eqprop.models.compose;
