package org.eqprop.backend.jcuda;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The whole kit on the real GPU with {@code graphs=on} (launches on the device's own stream,
 * repeated sequences replayed as CUDA graphs). Tagged {@code gpu}; skipped, with the probe's
 * reason, where the backend is unavailable.
 */
@Tag("gpu")
@ExtendWith(JcudaConformanceTest.RequiresGpu.class)
class JcudaGraphsConformanceTest extends JcudaConformanceTest {
  @Override
  protected Map<String, String> options() {
    return Map.of("graphs", "on");
  }
}
