package org.eqprop.backend.ejml;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon threads that run the parts of one kernel call; the calling thread runs
 * part 0 itself. Kernels come back to back and last tens of microseconds, so an idle worker spins
 * for a while before it parks (as OpenMP runtimes do): waking a parked thread costs about as much as
 * a small kernel. With one thread everything runs on the caller.
 */
final class Workers implements AutoCloseable {
  /** How long an idle worker spins before it parks. */
  private static final long SPIN_NANOS = 200_000L;

  private final int threads;
  private final Thread[] pool;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile long generation;
  private volatile IntConsumer task;
  private volatile int parts;
  private volatile boolean closed;
  private volatile RuntimeException failure;

  Workers(int threads) {
    this.threads = threads;
    this.pool = new Thread[threads - 1];
    for (int w = 0; w < pool.length; w++) {
      int index = w + 1;
      pool[w] = new Thread(() -> work(index), "eqprop-ejml-worker-" + index);
      pool[w].setDaemon(true);
      pool[w].start();
    }
  }

  /** The most parts that run at once. */
  int threads() {
    return threads;
  }

  /** Runs {@code part.accept(p)} for {@code 0 ≤ p < parts ≤ threads()} at once, and waits for all. */
  void run(int parts, IntConsumer part) {
    if (parts > threads) {
      throw new IllegalArgumentException(parts + " parts for " + threads + " threads");
    }
    if (parts <= 1) {
      if (parts == 1) {
        part.accept(0);
      }
      return;
    }
    this.task = part;
    this.parts = parts;
    this.failure = null;
    pending.set(parts - 1);
    generation++;
    for (int w = 0; w < parts - 1; w++) {
      LockSupport.unpark(pool[w]);
    }
    RuntimeException mine = null;
    try {
      part.accept(0);
    } catch (RuntimeException e) {
      mine = e;
    }
    // the parts write into the caller's tensors: wait for them even when interrupted
    while (pending.get() > 0) {
      Thread.onSpinWait();
    }
    this.task = null;
    RuntimeException theirs = failure;
    if (mine != null) {
      throw mine;
    }
    if (theirs != null) {
      throw theirs;
    }
  }

  private void work(int index) {
    long seen = 0;
    while (!closed) {
      long start = System.nanoTime();
      while (generation == seen && !closed) {
        if (System.nanoTime() - start < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = generation;
      if (index < parts) {
        try {
          task.accept(index);
        } catch (RuntimeException e) {
          failure = e;
        } catch (Error e) {
          failure = new IllegalStateException(e);
        }
        pending.decrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread t : pool) {
      LockSupport.unpark(t);
    }
  }
}
