package org.eqprop.backend.ejml;

import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/** With {@code threads=1} the EJML backend takes its single-threaded paths; the kit runs on those too. */
class EjmlSingleThreadedConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("threads", "1");
  }
}
