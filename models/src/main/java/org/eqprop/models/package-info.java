/**
 * Implementations of the api: the paper's layered Hopfield network ({@code hopfield}), the
 * squared-error cost ({@code cost}), the paper's gradient dynamics ({@code dynamics}), the
 * Equilibrium Propagation learner ({@code learning}) and per-layer SGD ({@code optim}). None of it
 * names a backend.
 */
package org.eqprop.models;
