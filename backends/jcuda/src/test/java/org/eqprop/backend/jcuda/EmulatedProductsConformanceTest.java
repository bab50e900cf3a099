package org.eqprop.backend.jcuda;

import java.util.Map;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.backend.tck.BackendConformanceTest;
import org.junit.jupiter.api.extension.ExtendWith;

/** The kit on the emulated jcuda backend with the relaxation as per-step products. */
@ExtendWith(EmulatedProvider.class)
class EmulatedProductsConformanceTest extends BackendConformanceTest {
  @Override
  protected BackendProvider provider() {
    return new EmulatedProvider();
  }

  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "products");
  }
}
