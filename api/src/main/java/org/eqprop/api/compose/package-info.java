/**
 * Energies composed from layers and interactions: a {@link org.eqprop.api.compose.Layer} is a
 * block of state units, an {@link org.eqprop.api.compose.Interaction} one energy term on one or two
 * layers with its own gradients. The {@code models} module sums them into an {@link
 * org.eqprop.api.Energy}; plug-ins add interaction types through {@link
 * org.eqprop.api.spi.InteractionProvider}.
 */
package org.eqprop.api.compose;
