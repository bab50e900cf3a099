/**
 * Checks: a hand-written {@link org.eqprop.api.Energy} against finite differences of its own
 * energy ({@link org.eqprop.models.check.GradientChecker}, used by {@code eqprop check-model} and the
 * test kit's {@code EnergyGradientTest}), and the exact gradient of the loss at a free fixed point
 * by implicit differentiation ({@link org.eqprop.models.check.ImplicitGradient}, used by {@code eqprop
 * gradcheck}).
 */
package org.eqprop.models.check;
