package org.eqprop.testkit;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.compose.Bias;

/** Terms the conv network checks share. */
final class TestTerms {
  private TestTerms() {}

  /** A bias on {@code layer} drawn from U(-0.5, 0.5), so that no hard-sigmoid kink sits on the drawn states. */
  static Bias bias(Backend backend, List<Layer> layers, int layer, String name, int group, RandomGenerator random) {
    float[] b = new float[layers.get(layer).units()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) (random.nextDouble() - 0.5);
    }
    return new Bias(layers, layer, new Parameter(name, group, backend.fromHost(b, 1, b.length)));
  }
}
