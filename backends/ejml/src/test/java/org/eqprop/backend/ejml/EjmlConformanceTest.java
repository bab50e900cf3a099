package org.eqprop.backend.ejml;

import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/** The EJML backend runs the whole conformance kit. */
class EjmlConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }
}
