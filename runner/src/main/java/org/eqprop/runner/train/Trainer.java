package org.eqprop.runner.train;

import com.google.inject.Inject;
import com.google.inject.name.Named;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.eqprop.api.Energy;
import org.eqprop.api.Learner;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.data.MnistData;

/**
 * The training loop: per epoch, shuffle, train on every minibatch (the last one may be smaller),
 * evaluate on the test set, record the epoch.
 */
public final class Trainer {
  private final RunConfig config;
  private final Backend backend;
  private final Energy energy;
  private final Learner learner;
  private final SplittableRandom shuffle;

  /** Injected by Guice with the run's components. */
  @Inject
  public Trainer(RunConfig config, Backend backend, Energy energy, Learner learner, @Named("shuffle") SplittableRandom shuffle) {
    this.config = config;
    this.backend = backend;
    this.energy = energy;
    this.learner = learner;
    this.shuffle = shuffle;
  }

  /**
   * Trains for {@code training.epochs} epochs.
   *
   * @param data training and test sets (already limited and shape-checked)
   * @param run where to record each epoch, or null to record nothing
   * @param onEpoch called after each epoch
   * @return one result per epoch
   */
  public List<EpochResult> train(MnistData data, RunDirectory run, Consumer<EpochResult> onEpoch) {
    int[] sizes = energy.layerSizes();
    int classes = sizes[sizes.length - 1];
    int batchSize = config.training().batchSize();
    int epochs = config.training().epochs();
    Dataset train = data.train();
    int[] order = new int[train.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    List<EpochResult> results = new ArrayList<>();
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      Evaluator evaluator = new Evaluator(learner, feeder, config.training().evalBatchSize());
      for (int epoch = 1; epoch <= epochs; epoch++) {
        shuffle(order);
        long t0 = System.nanoTime();
        long errors = 0;
        for (int from = 0; from < order.length; from += batchSize) {
          int n = Math.min(batchSize, order.length - from);
          errors += learner.train(feeder.batch(train, order, from, n));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        double testError = evaluator.error(data.test());
        double evalSeconds = (System.nanoTime() - t1) / 1e9;
        EpochResult r =
            new EpochResult(epoch, (double) errors / train.count(), testError, seconds, train.count() / seconds, evalSeconds);
        results.add(r);
        if (run != null) {
          try {
            run.append(r);
            run.saveParameters(energy.parameters(), backend, Map.of("epoch", Integer.toString(epoch), "model", config.model().name()));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + run.path() + ": " + e.getMessage(), e);
          }
        }
        onEpoch.accept(r);
      }
    }
    return results;
  }

  /** Test error of the current parameters. */
  public double evaluate(Dataset data) {
    int[] sizes = energy.layerSizes();
    try (BatchFeeder feeder = new BatchFeeder(backend, sizes[sizes.length - 1])) {
      return new Evaluator(learner, feeder, config.training().evalBatchSize()).error(data);
    }
  }

  private void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = shuffle.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
