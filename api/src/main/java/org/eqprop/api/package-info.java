/**
 * The concepts of Equilibrium Propagation as Java interfaces.
 *
 * <p>An {@link org.eqprop.api.Energy} {@code E(θ, x, s)} defines the model; a {@link
 * org.eqprop.api.Cost} {@code C(s, d)} measures the output against a target; a {@link
 * org.eqprop.api.Dynamics} relaxes the {@link org.eqprop.api.State} towards a minimum of the total
 * energy {@code F = E + β·C}; a {@link org.eqprop.api.Learner} turns a minibatch into parameter
 * gradients and hands them to an {@link org.eqprop.api.Optimizer}. Everything is written against
 * {@link org.eqprop.api.tensor.Backend} so it runs on any hardware.
 */
package org.eqprop.api;
