package org.eqprop.models.dynamics;

import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.DynamicsProvider;
import org.eqprop.api.spi.Settings;
import org.eqprop.models.learning.EquilibriumPropagation;

/**
 * Registers {@link FixedPointDynamics} as {@code fixed-point}: {@code dynamics.tolerance}; refuses
 * a learner whose beta can reach -1 or below.
 */
public final class FixedPointDynamicsProvider implements DynamicsProvider {
  @Override
  public String name() {
    return FixedPointDynamics.NAME;
  }

  @Override
  public String description() {
    return "each step sets the even layers, then the odd ones, to their exact minimiser";
  }

  @Override
  public Dynamics create(Settings config, Energy energy) {
    double beta = config.number("learner.beta");
    boolean randomSign = config.flag("learner.random-sign");
    double lowest = randomSign ? -Math.abs(beta) : beta;
    if (lowest <= -1 && !config.text("learner.name").equals(EquilibriumPropagation.CHL)) {
      throw new IllegalArgumentException("dynamics fixed-point needs every beta > -1 (the nudged output's curvature "
          + "1 + beta must stay positive); learner.beta " + beta + (randomSign ? " with learner.random-sign" : "")
          + " reaches " + lowest);
    }
    return new FixedPointDynamics(energy.backend(), energy.stateSizes(), (float) config.number("dynamics.tolerance"));
  }
}
