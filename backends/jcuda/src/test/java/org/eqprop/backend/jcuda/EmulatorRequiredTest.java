package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** Without g++ the emulated kits fail, so CI cannot pass without them, unless a developer opts out. */
class EmulatorRequiredTest {
  @Test
  void aMissingCompilerFailsTheKitsUnlessSkippedOnPurpose() {
    assertFalse(EmulatedProvider.decide(null, null).isDisabled());
    ConditionEvaluationResult missing = EmulatedProvider.decide("no g++ to build the kernel emulator", null);
    assertFalse(missing.isDisabled(), "the tests run, and fail with the reason");
    assertFalse(EmulatedProvider.decide("no g++ to build the kernel emulator", "yes").isDisabled());
    ConditionEvaluationResult skipped = EmulatedProvider.decide("no g++ to build the kernel emulator", "skip");
    assertTrue(skipped.isDisabled());
    assertEquals("no g++ to build the kernel emulator (skipped: EQPROP_EMULATOR=skip)", skipped.getReason().orElse(""));
  }
}
