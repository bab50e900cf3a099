package org.eqprop.backend.jcuda;

import java.util.Map;

/**
 * The kit on the emulated jcuda backend with {@code graphs=on}: launches held back until the host
 * needs the device, and sequences seen before replayed as recordings.
 */
class EmulatedGraphsConformanceTest extends EmulatedConformanceTest {
  @Override
  protected Map<String, String> options() {
    return Map.of("relaxation", "kernel", "graphs", "on");
  }
}
