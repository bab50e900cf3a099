package org.eqprop.backend.ejml;

import java.util.Set;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;

/**
 * Without the Vector API ({@code simd=off}) and with {@code mt-threshold=1}, every product goes to
 * EJML's multi-threaded kernels and the fused relaxation to plain loops; the kit runs on those too.
 */
class EjmlMultiThreadedConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EjmlBackendProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("mt-threshold", "1", "simd", "off");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainPhases.class, AdamUpdate.class);
  }
}
