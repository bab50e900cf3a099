package org.eqprop.backend.ejml;

import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/** One thread and no fused relaxation: the dynamics take the generic path, the kit checks the capability is refused. */
class EjmlSingleThreadedConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("threads", "1", "fused", "false");
  }
}
