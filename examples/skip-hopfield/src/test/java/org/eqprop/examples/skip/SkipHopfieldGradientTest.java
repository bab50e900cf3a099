package org.eqprop.examples.skip;

import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.tensor.Backend;
import org.eqprop.testkit.EnergyGradientTest;

/** Every hand-written gradient of the example matches finite differences (the test kit's check). */
class SkipHopfieldGradientTest extends EnergyGradientTest {
  @Override
  protected Energy createEnergy(Backend backend, RandomGenerator random) {
    return SkipHopfield.random(backend, new int[] {7, 6, 5, 4, 3}, random);
  }
}
