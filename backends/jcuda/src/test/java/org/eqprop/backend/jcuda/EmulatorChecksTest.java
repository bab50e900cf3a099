package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The emulator's checks, each shown catching a kernel that is wrong on purpose ({@code
 * src/test/native/emu_checks.cu}, compiled into the emulator only): shared memory, dynamic and
 * static, is poisoned with NaN at each block's start, a barrier some threads never reach is
 * reported, and so is a race between the threads of a phase (the order check). Accesses past an
 * allocation are caught by the sanitized build ({@link EmulatorSanitizerTest}).
 */
@ExtendWith(EmulatedProvider.class)
class EmulatorChecksTest {

  @Test
  void sharedMemoryReadBeforeItIsWrittenIsNaN() {
    try (EmulatedDevice device = new EmulatedDevice()) {
      long out = device.alloc(4 * Float.BYTES);
      device.upload(new float[] {1, 2, 3, 4}, 4, out);
      // two blocks, so the second starts after the first left its shared memory behind
      device.launch("eq_test_shared_before_write", 2, 1, 4, 1, 4 * Float.BYTES, new KernelArgs().ptr(out).i32(4));
      float[] got = new float[4];
      device.download(out, got, 4);
      for (float v : got) {
        assertTrue(Float.isNaN(v), "a read before any write sees the poison, got " + v);
      }
    }
  }

  @Test
  void staticSharedMemoryReadBeforeItIsWrittenIsNaN() {
    try (EmulatedDevice device = new EmulatedDevice()) {
      long out = device.alloc(4 * Float.BYTES);
      // the first block leaves its array at 1, the second must still see the poison
      device.launch("eq_test_static_shared_before_write", 2, 1, 4, 1, 0, new KernelArgs().ptr(out).i32(4));
      float[] got = new float[4];
      device.download(out, got, 4);
      for (float v : got) {
        assertTrue(Float.isNaN(v), "a read before any write sees the poison, got " + v);
      }
    }
  }

  @Test
  void aBarrierSomeThreadsNeverReachIsReported() {
    try (EmulatedDevice device = new EmulatedDevice()) {
      long out = device.alloc(8 * Float.BYTES);
      IllegalStateException e = assertThrows(IllegalStateException.class, () ->
          device.launch("eq_test_divergent_barrier", 1, 1, 8, 1, 0, new KernelArgs().ptr(out).i32(8)));
      assertEquals("kernel eq_test_divergent_barrier, block (0, 0): divergent __syncthreads: in barrier phase 0, 4 of 8 "
          + "threads waited at a barrier the others, having ended, never reach", e.getMessage());
    }
  }

  @Test
  void aRaceBetweenTheThreadsOfAPhaseIsReported() {
    try (EmulatedDevice device = new EmulatedDevice(true)) {
      long out = device.alloc(8 * Float.BYTES);
      IllegalStateException e = assertThrows(IllegalStateException.class, () ->
          device.launch("eq_test_race", 1, 1, 8, 1, 8 * Float.BYTES, new KernelArgs().ptr(out).i32(8)));
      assertTrue(e.getMessage().startsWith("kernel eq_test_race writes other values with the threads of a phase run in "
          + "reverse order (a race between threads not separated by __syncthreads): an allocation of 32 bytes differs"),
          e.getMessage());
    }
    try (EmulatedDevice device = new EmulatedDevice(true)) {
      long out = device.alloc(8 * Float.BYTES);
      // a kernel without a race passes the same check
      device.launch("eq_test_shared_before_write", 1, 1, 8, 1, 8 * Float.BYTES, new KernelArgs().ptr(out).i32(8));
    }
  }
}
