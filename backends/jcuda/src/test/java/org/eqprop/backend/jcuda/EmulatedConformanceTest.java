package org.eqprop.backend.jcuda;

import java.util.Set;
import org.eqprop.models.chain.ChainContrast;
import org.eqprop.models.chain.ChainPhases;
import org.eqprop.models.chain.ChainRelaxation;
import org.eqprop.models.optim.AdamUpdate;
import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole kit on the jcuda backend with its kernels run by the CPU emulator: the backend's Java
 * code and the kernels' arithmetic, without a GPU. The relaxation runs as the fused kernel here, as products in
 * {@link EmulatedProductsConformanceTest}.
 */
@ExtendWith(EmulatedProvider.class)
class EmulatedConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EmulatedProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "kernel", "order-check", "on");
  }

  @Override
  protected Set<Class<?>> expectedExtensions() {
    return Set.of(ChainRelaxation.class, ChainPhases.class, ChainContrast.class, AdamUpdate.class);
  }
}
