package org.eqprop.backend.jcuda;

import java.util.Map;

/** The kit on the emulated jcuda backend with the relaxation as per-step products. */
class EmulatedProductsConformanceTest extends EmulatedConformanceTest {
  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "products");
  }
}
