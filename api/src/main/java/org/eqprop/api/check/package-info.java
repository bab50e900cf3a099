/**
 * Checks a hand-written {@link org.eqprop.api.Energy} against finite differences of its own
 * energy: {@code eqprop check-model} and the test kit's {@code EnergyGradientTest} both use {@link
 * org.eqprop.api.check.GradientChecker}.
 */
package org.eqprop.api.check;
