/**
 * Learning rules: Equilibrium Propagation ({@code ep}: positive, negative or random-sign nudging,
 * or centered at ±beta) and contrastive Hebbian learning ({@code chl}, output fully clamped), with
 * optional persistent particles.
 */
package org.eqprop.models.learning;
