package org.eqprop.runner.train;

import java.util.function.BooleanSupplier;
import org.eqprop.api.Learner;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.data.Dataset;

/**
 * Training steps on a throwaway copy of a run (its own backend, model and learner, wired from the
 * same configuration) before the run starts, so that the JIT has compiled the step's kernels when
 * the first epoch begins: without it the first epoch of {@code paper-1h} ran at about half the
 * speed of the later ones (3.08 s against 1.66 s). The run's own parameters, optimizer state and
 * random streams are not touched, so its results are the same with or without it. A warm-up that
 * fails (a configuration that diverges, say) just ends: the run reports its own failure.
 */
public final class JitWarmup {
  /** The most warm-up steps: the JIT is mostly done with the step's loops after a few hundred. */
  static final int MAX_BATCHES = 400;
  /** The most time spent warming up. */
  static final long MAX_NANOS = 2_000_000_000L;

  private JitWarmup() {}

  /**
   * Runs at most {@link #MAX_BATCHES} steps, a quarter of an epoch, or {@link #MAX_NANOS} of
   * training on the first examples of {@code data}, then one prediction of a training-sized batch
   * (not an evaluation batch: on a deep network with long inference that alone took a minute). A
   * stop request (Ctrl-C), polled before every step and before the prediction, ends it at once.
   *
   * @return the steps run
   */
  public static int run(Backend backend, Learner learner, Dataset data, int batchSize, int classes,
      BooleanSupplier stopRequested) {
    int perEpoch = data.count() / batchSize;
    int batches = Math.min(MAX_BATCHES, perEpoch / 4);
    int[] order = new int[Math.min(data.count(), batchSize * Math.max(batches, 1))];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    long start = System.nanoTime();
    int done = 0;
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      while (done < batches && System.nanoTime() - start < MAX_NANOS && !stopRequested.getAsBoolean()) {
        learner.trainLater(feeder.batch(data, order, done * batchSize, batchSize)).get();
        done++;
      }
      if (done > 0 && !stopRequested.getAsBoolean()) {
        learner.predict(feeder.batch(data, order, 0, Math.min(batchSize, order.length)).input());
      }
    } catch (RuntimeException e) {
      // a throwaway copy that diverges stops warming; the run itself meets the same trouble and
      // reports it where it happens (epoch, minibatch, checkpoint)
    }
    return done;
  }
}
