package org.eqprop.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bench's default warm-up: one MNIST epoch's worth of examples, at least 200 batches. */
class BenchCommandTest {

  @Test
  void theDefaultWarmUpIsSixtyThousandExamplesAndAtLeastTwoHundredBatches() {
    BenchCommand bench = new BenchCommand();
    assertEquals(3000, bench.warmupBatches(20));
    assertEquals(235, bench.warmupBatches(256));
    assertEquals(200, bench.warmupBatches(1000));
    bench.warmup = 7;
    assertEquals(7, bench.warmupBatches(20));
    bench.warmup = 0;
    assertEquals(0, bench.warmupBatches(256));
  }
}
