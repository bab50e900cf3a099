/**
 * Learning rules: Equilibrium Propagation ({@code ep}) with optional random-sign nudging and
 * persistent particles.
 */
package org.eqprop.models.learning;
