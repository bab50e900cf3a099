package org.eqprop.examples.skip;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.eqprop.testkit.EnergyGradientTest;

/**
 * The same check on the native ND4J backend: the example has no backend code, so it runs, with
 * the same gradients, wherever a backend implements the api.
 */
class SkipHopfieldOnNd4jGradientTest extends EnergyGradientTest {
  @Override
  protected Backend createBackend() {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals("nd4j")) {
        return p.create(Map.of());
      }
    }
    throw new IllegalStateException("the nd4j backend is not on the test class path");
  }

  @Override
  protected Energy createEnergy(Backend backend, RandomGenerator random) {
    return SkipHopfield.random(backend, new int[] {7, 6, 5, 4, 3}, random);
  }
}
