package org.eqprop.runner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The averaging of data-parallel training against a case computed by hand. */
class ParameterAveragingTest {
  private static Map<String, float[]> state(float[] w, float[] t) {
    Map<String, float[]> s = new LinkedHashMap<>();
    s.put("W1", w);
    s.put("optimizer.t", t);
    return s;
  }

  @Test
  void theMeanOfThreeWorkersElementByElement() {
    Map<String, float[]> mean = Trainer.average(List.of(
        state(new float[] {1f, 2f, -0.5f}, new float[] {7f}),
        state(new float[] {3f, 6f, 0.25f}, new float[] {7f}),
        state(new float[] {2f, 1f, 1.75f}, new float[] {7f})));
    // (1 + 3 + 2) / 3 = 2, (2 + 6 + 1) / 3 = 3, (-0.5 + 0.25 + 1.75) / 3 = 0.5; a step count stays 7
    assertArrayEquals(new float[] {2f, 3f, 0.5f}, mean.get("W1"));
    assertArrayEquals(new float[] {7f}, mean.get("optimizer.t"));
    assertEquals(List.of("W1", "optimizer.t"), List.copyOf(mean.keySet()));
  }

  @Test
  void oneWorkersStateIsTakenAsItIs() {
    Map<String, float[]> one = state(new float[] {0.1f, 0.2f}, new float[] {3f});
    assertSame(one, Trainer.average(List.of(one)));
  }
}
