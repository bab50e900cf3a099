/**
 * Implementations of the api: composed energies and their built-in interactions ({@code compose}),
 * the paper's layered Hopfield network as one such composition ({@code hopfield}), the costs
 * ({@code cost}), the gradient and fixed-point dynamics ({@code dynamics}), the Equilibrium
 * Propagation learner and its gradient estimators ({@code learning}), the optimizers ({@code
 * optim}), and the dense chain's fast path with the kernel interfaces backends may offer for it
 * ({@code chain}). None of it names a backend.
 */
package org.eqprop.models;
