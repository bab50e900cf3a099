package org.eqprop.backend.ejml;

import java.util.Set;
import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/** One thread and no fused kernels: the dynamics take the generic path, the kit checks none is offered. */
class EjmlSingleThreadedConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("threads", "1", "fused", "false");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of();
  }
}
