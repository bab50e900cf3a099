package org.eqprop.backend.jcuda;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The TF32 checks on the real GPU's tensor cores. Tagged {@code gpu}; skipped, with the probe's
 * reason, where the backend is unavailable.
 */
@Tag("gpu")
@ExtendWith(JcudaConformanceTest.RequiresGpu.class)
class JcudaTf32Test extends Tf32Checks {
  @Override
  protected Device device() {
    return new CudaDevice(0);
  }
}
