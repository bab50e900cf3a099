/**
 * An example model plug-in: {@link org.eqprop.examples.skip.SkipHopfield}, a layered Hopfield
 * network with extra connections that skip one layer, registered as {@code skip-hopfield} by
 * {@link org.eqprop.examples.skip.SkipHopfieldProvider}. It depends on the api only and runs on
 * every backend. {@code docs/custom-energy.md} builds it step by step.
 */
package org.eqprop.examples.skip;
