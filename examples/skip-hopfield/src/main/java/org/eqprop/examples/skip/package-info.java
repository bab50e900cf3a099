/**
 * An example plug-in: {@link org.eqprop.examples.skip.SkipHopfield}, a layered Hopfield network
 * with extra connections that skip one layer, composed from the built-in interactions and
 * registered as the model {@code skip-hopfield} by {@link
 * org.eqprop.examples.skip.SkipHopfieldProvider}; and an interaction type of its own, {@link
 * org.eqprop.examples.skip.Lateral} ({@code lateral}), that networks declared in configuration can
 * use. It compiles against the api and the models module (which the runner provides) and runs on
 * every backend. {@code docs/custom-energy.md} builds it step by step.
 */
package org.eqprop.examples.skip;
