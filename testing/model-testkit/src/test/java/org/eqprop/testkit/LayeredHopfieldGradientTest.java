package org.eqprop.testkit;

import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.hopfield.LayeredHopfield;

/** The built-in model passes the kit it offers to users. */
class LayeredHopfieldGradientTest extends EnergyGradientTest {
  @Override
  protected Energy createEnergy(Backend backend, RandomGenerator random) {
    return LayeredHopfield.glorot(backend, new int[] {7, 6, 5, 4}, random);
  }
}
