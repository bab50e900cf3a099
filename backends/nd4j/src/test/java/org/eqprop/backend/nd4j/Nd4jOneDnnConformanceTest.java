package org.eqprop.backend.nd4j;

import java.util.Map;
import java.util.Set;
import org.eqprop.api.spi.BackendProvider;
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
    return new Nd4jBackendProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("products", "onednn");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class);
  }
}
