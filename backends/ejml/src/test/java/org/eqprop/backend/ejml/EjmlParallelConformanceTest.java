package org.eqprop.backend.ejml;

import java.util.Set;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/** With {@code mt-threshold=1} every product and long element-wise operation is split over the threads. */
class EjmlParallelConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("mt-threshold", "1", "threads", "3");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainPhases.class, ChainContrast.class, AdamUpdate.class);
  }
}
