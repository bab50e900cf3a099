package org.eqprop.backend.ejml;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of daemon threads that run the parts of one kernel call together with the calling
 * thread. Kernels come back to back and last tens of microseconds, so an idle worker spins for a
 * while before it parks (as OpenMP runtimes do): waking a parked thread costs about as much as a
 * small kernel. The parts are claimed, not assigned: a worker that the operating system has not
 * scheduled yet (on a machine with as many cores as threads, any other thread of the process can
 * hold its core for a millisecond or more) leaves its part to the threads that are running, instead
 * of keeping them waiting. With one thread everything runs on the caller.
 */
final class Workers implements AutoCloseable {
  /** How long an idle worker spins before it parks. */
  private static final long SPIN_NANOS = 200_000L;

  private final int threads;
  private final Thread[] pool;
  private volatile Call current;
  private volatile boolean closed;

  /**
   * One call's parts. Thread {@code t} (the caller being 0) runs part {@code t} when it is still
   * unclaimed, so a thread works on the same columns or rows from one call to the next and finds
   * them in its own cache; then it claims whatever parts are left.
   */
  private static final class Call {
    final IntConsumer task;
    final int parts;
    final AtomicIntegerArray taken;
    final AtomicInteger pending;
    volatile RuntimeException failure;

    Call(IntConsumer task, int parts) {
      this.task = task;
      this.parts = parts;
      this.pending = new AtomicInteger(parts);
      this.taken = new AtomicIntegerArray(parts);
    }

    /** Runs part {@code self} if no thread has claimed it, then unclaimed parts until none is left. */
    void claim(int self) {
      if (self < parts) {
        tryRun(self);
      }
      for (int p = 0; p < parts; p++) {
        tryRun(p);
      }
    }

    private void tryRun(int p) {
      if (taken.get(p) != 0 || !taken.compareAndSet(p, 0, 1)) {
        return;
      }
      try {
        task.accept(p);
      } catch (RuntimeException e) {
        failure = e;
      } catch (Error e) {
        failure = new IllegalStateException(e);
      }
      pending.decrementAndGet();
    }
  }

  Workers(int threads) {
    this.threads = threads;
    this.pool = new Thread[threads - 1];
    for (int w = 0; w < pool.length; w++) {
      int self = w + 1;
      pool[w] = new Thread(() -> work(self), "eqprop-ejml-worker-" + self);
      pool[w].setDaemon(true);
      pool[w].start();
    }
  }

  /** The most parts that run at once. */
  int threads() {
    return threads;
  }

  /**
   * Runs {@code part.accept(p)} for {@code 0 ≤ p < parts ≤ threads()}, at once where the threads
   * are free, and waits for all; rethrows a part's failure.
   */
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
    Call call = new Call(part, parts);
    current = call;
    for (int w = 0; w < parts - 1; w++) {
      LockSupport.unpark(pool[w]);
    }
    call.claim(0);
    // the parts write into the caller's tensors: wait for them even when interrupted
    while (call.pending.get() > 0) {
      Thread.onSpinWait();
    }
    RuntimeException failed = call.failure;
    if (failed != null) {
      throw failed;
    }
  }

  private void work(int self) {
    Call seen = null;
    while (!closed) {
      long start = System.nanoTime();
      while (current == seen && !closed) {
        if (System.nanoTime() - start < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
      if (closed) {
        return;
      }
      seen = current;
      seen.claim(self);
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
