package org.eqprop.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bench's default warm-up and timing: two and one MNIST epochs' worth of examples, with floors. */
class BenchCommandTest {

  @Test
  void theDefaultWarmUpIsAHundredAndTwentyThousandExamplesAndAtLeastTwoHundredBatches() {
    BenchCommand bench = new BenchCommand();
    assertEquals(6000, bench.warmupBatches(20));
    assertEquals(469, bench.warmupBatches(256));
    assertEquals(200, bench.warmupBatches(1000));
    bench.warmup = 7;
    assertEquals(7, bench.warmupBatches(20));
    bench.warmup = 0;
    assertEquals(0, bench.warmupBatches(256));
  }

  @Test
  void theDefaultTimingIsSixtyThousandExamplesAndAtLeastThreeHundredBatches() {
    BenchCommand bench = new BenchCommand();
    assertEquals(3000, bench.timedBatches(20));
    assertEquals(300, bench.timedBatches(256));
    bench.batches = 5;
    assertEquals(5, bench.timedBatches(20));
  }

  /** {@code --batches 50} is a short bench: the warm-up shrinks with it unless {@code --warmup} says otherwise. */
  @Test
  void fewTimedBatchesMeanAsFewWarmUpBatches() {
    BenchCommand bench = new BenchCommand();
    bench.batches = 50;
    assertEquals(50, bench.warmupBatches(20));
    assertEquals(50, bench.warmupBatches(256));
    bench.warmup = 400;
    assertEquals(400, bench.warmupBatches(20));
  }
}
