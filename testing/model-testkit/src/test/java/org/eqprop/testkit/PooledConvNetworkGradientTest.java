package org.eqprop.testkit;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.PoolGeometry;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.compose.Conv2d;
import org.eqprop.models.compose.Dense;

/**
 * A conv Hopfield network with pooling passes the kit: input 1×6×6, a padded 3×3 convolution to 3
 * channels pooled 2×2 to 3×3×3, a 2×2 convolution to 2 channels pooled 2×2 to 2×1×1, a dense output
 * of 4; every gradient against finite differences (the feedback and the weight gradient go back
 * through the pooling). Average pooling: max pooling's kinks lie within the checker's step (0.01)
 * of the random states it draws often enough that a finite difference crosses one (a window's two
 * largest values swap), so max pooling is checked by the conformance kit instead (the pooling, its
 * selection and its adjoint against a double reference).
 */
class PooledConvNetworkGradientTest extends EnergyGradientTest {
  @Override
  protected Energy createEnergy(Backend backend, RandomGenerator random) {
    ConvGeometry first = new ConvGeometry(1, 6, 6, 3, 3, 1, 1);
    PoolGeometry firstPool = new PoolGeometry(3, 6, 6, 2, false);
    ConvGeometry second = new ConvGeometry(3, 3, 3, 2, 2, 1, 0);
    PoolGeometry secondPool = new PoolGeometry(2, 2, 2, 2, false);
    List<Layer> layers = List.of(Layer.input("x", first.inUnits()), Layer.free("c1", firstPool.outUnits()),
        Layer.free("c2", secondPool.outUnits()), Layer.free("y", 4));
    List<Interaction> terms = List.of(
        Conv2d.uniform(backend, layers, 0, 1, first, firstPool, "K1", 0, random),
        Conv2d.uniform(backend, layers, 1, 2, second, secondPool, "K2", 1, random),
        Dense.glorot(backend, layers, 2, 3, "W3", 2, random),
        TestTerms.bias(backend, layers, 1, "b1", 0, random),
        TestTerms.bias(backend, layers, 2, "b2", 1, random),
        TestTerms.bias(backend, layers, 3, "b3", 2, random));
    return new ComposedEnergy(backend, layers, terms);
  }
}
