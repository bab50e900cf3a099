package org.eqprop.backend.nd4j;

import java.util.Set;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;
import org.eqprop.models.chain.ChainRelaxation;

/** The ND4J backend runs the whole conformance kit. */
class Nd4jConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new Nd4jBackendProvider();
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class);
  }
}
