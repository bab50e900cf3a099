package org.eqprop.backend.ejml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The thread pool's contract: every part of every call runs exactly once, the caller keeps part 0,
 * and failures come back.
 */
class WorkersTest {

  @Test
  void everyPartOfEveryCallRunsExactlyOnce() {
    try (Workers workers = new Workers(3)) {
      int calls = 20_000;
      AtomicIntegerArray runs = new AtomicIntegerArray(calls * 3);
      for (int c = 0; c < calls; c++) {
        int call = c;
        int parts = 2 + c % 2;
        workers.run(parts, p -> {
          runs.incrementAndGet(call * 3 + p);
          if (call % 1000 == 0) {
            // a slow part: the others are claimed meanwhile, and the idle workers may park
            LockSupport.parkNanos(300_000L);
          }
        });
        for (int p = 0; p < 3; p++) {
          assertEquals(p < parts ? 1 : 0, runs.get(call * 3 + p), "call " + c + " part " + p);
        }
      }
    }
  }

  /**
   * The caller claims part 0 before any other, and a worker its own part before any other: part 1
   * waits until part 0 has started, so part 0 can only have gone elsewhere if the caller did not
   * claim it first.
   */
  @Test
  void theCallerRunsPartZero() {
    try (Workers workers = new Workers(2)) {
      Thread caller = Thread.currentThread();
      for (int c = 0; c < 2_000; c++) {
        Thread[] ranOn = new Thread[2];
        AtomicBoolean started = new AtomicBoolean();
        workers.run(2, p -> {
          if (p == 0) {
            started.set(true);
          } else {
            while (!started.get()) {
              Thread.onSpinWait();
            }
          }
          ranOn[p] = Thread.currentThread();
        });
        assertEquals(caller, ranOn[0], "call " + c);
      }
    }
  }

  @Test
  void aFailingPartIsRethrownAfterTheOthersFinish() {
    try (Workers workers = new Workers(2)) {
      int[] done = new int[2];
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> workers.run(2, p -> {
        done[p] = 1;
        if (p == 1) {
          throw new IllegalStateException("part 1 failed");
        }
      }));
      assertEquals("part 1 failed", e.getMessage());
      assertArrayEquals(new int[] {1, 1}, done);
      workers.run(2, p -> done[p] = 2);
      assertArrayEquals(new int[] {2, 2}, done);
    }
  }

  @Test
  void morePartsThanThreadsAreRefused() {
    try (Workers workers = new Workers(2)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> workers.run(3, p -> { }));
      assertEquals("3 parts for 2 threads", e.getMessage());
    }
  }
}
