/**
 * Guice wiring: {@link org.eqprop.runner.wiring.EqpropModule} turns a configuration, a chosen
 * backend and the discovered models into the backend, energy, dynamics, cost, optimizer and
 * learner of a run. Named components are picked from {@code MapBinder}s by their configured name;
 * an unknown name fails with the known options. Guice appears nowhere outside the runner.
 */
package org.eqprop.runner.wiring;
