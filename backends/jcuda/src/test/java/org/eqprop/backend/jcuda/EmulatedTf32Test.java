package org.eqprop.backend.jcuda;

import org.junit.jupiter.api.extension.ExtendWith;

/** The TF32 checks on the CPU emulator of the kernels. */
@ExtendWith(EmulatedProvider.class)
class EmulatedTf32Test extends Tf32Checks {
  @Override
  protected Device device() {
    return new EmulatedDevice(true); // with the order check (see EmulatedDevice)
  }
}
