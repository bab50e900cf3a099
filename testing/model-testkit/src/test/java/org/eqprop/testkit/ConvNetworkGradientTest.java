package org.eqprop.testkit;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.Parameter;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.models.compose.ChannelBias;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.compose.Conv2d;
import org.eqprop.models.compose.Dense;

/**
 * A conv Hopfield network passes the kit: input 1×6×5, a padded 3×3 convolution to 3×6×5, a
 * strided 2×2 one to 2×3×2, a dense output of 4, biases on the free layers (and one per channel on
 * the first); every state and
 * parameter gradient against finite differences. The biases are made non-zero so that no
 * hard-sigmoid kink sits on the states the check draws.
 */
class ConvNetworkGradientTest extends EnergyGradientTest {
  @Override
  protected Energy createEnergy(Backend backend, RandomGenerator random) {
    ConvGeometry first = new ConvGeometry(1, 6, 5, 3, 3, 1, 1);
    ConvGeometry second = new ConvGeometry(3, 6, 5, 2, 2, 2, 0);
    List<Layer> layers = List.of(Layer.input("x", first.inUnits()), Layer.free("c1", first.outUnits()),
        Layer.free("c2", second.outUnits()), Layer.free("y", 4));
    List<Interaction> terms = List.of(
        Conv2d.uniform(backend, layers, 0, 1, first, null, "K1", 0, random),
        Conv2d.uniform(backend, layers, 1, 2, second, null, "K2", 1, random),
        Dense.glorot(backend, layers, 2, 3, "W3", 2, random),
        TestTerms.bias(backend, layers, 1, "b1", 0, random),
        TestTerms.bias(backend, layers, 2, "b2", 1, random),
        channelBias(backend, layers, 1, 3, "c1", 0, random),
        TestTerms.bias(backend, layers, 3, "b3", 2, random));
    return new ComposedEnergy(backend, layers, terms);
  }

  /** A per-channel bias drawn from U(-0.5, 0.5). */
  private static ChannelBias channelBias(Backend backend, List<Layer> layers, int layer, int channels, String name,
      int group, RandomGenerator random) {
    float[] b = new float[channels];
    for (int i = 0; i < channels; i++) {
      b[i] = (float) (random.nextDouble() - 0.5);
    }
    return new ChannelBias(layers, layer, channels, new Parameter(name, group, backend.fromHost(b, 1, channels)),
        backend);
  }
}
