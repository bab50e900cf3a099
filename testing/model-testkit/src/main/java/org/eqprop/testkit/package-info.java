/**
 * Test base classes for users' own models. Add {@code org.eqprop:eqprop-testkit} as a test
 * dependency and extend {@link org.eqprop.testkit.EnergyGradientTest}.
 */
package org.eqprop.testkit;
