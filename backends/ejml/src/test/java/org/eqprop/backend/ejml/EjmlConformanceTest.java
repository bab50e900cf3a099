package org.eqprop.backend.ejml;

import java.util.Set;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/** The EJML backend runs the whole conformance kit. */
class EjmlConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainPhases.class, ChainContrast.class, AdamUpdate.class);
  }
}
