package org.eqprop.backend.jcuda;

import java.util.Map;

/** The kit on the emulated jcuda backend with the relaxation as one tiled launch per step. */
class EmulatedStepsConformanceTest extends EmulatedConformanceTest {
  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "steps");
  }
}
