package org.eqprop.backend.nd4j;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.eqprop.backend.tck.BackendConformanceTest;
import org.eqprop.models.chain.ChainRelaxation;

/**
 * The whole conformance kit again with {@code products: onednn}: the kit's networks are small, so
 * the default ({@code auto}) multiplies them all with cblas, and libnd4j's matmul op would
 * otherwise meet the kit's checks nowhere.
 */
class Nd4jOneDnnConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    Nd4jBackendProvider nd4j = new Nd4jBackendProvider();
    return new BackendProvider() {
      @Override
      public String name() {
        return nd4j.name();
      }

      @Override
      public int priority() {
        return nd4j.priority();
      }

      @Override
      public String description() {
        return nd4j.description();
      }

      @Override
      public Availability probe() {
        return nd4j.probe();
      }

      @Override
      public Backend create(Map<String, String> options) {
        Map<String, String> withOneDnn = new HashMap<>(options);
        withOneDnn.put("products", "onednn");
        return nd4j.create(withOneDnn);
      }
    };
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class);
  }
}
