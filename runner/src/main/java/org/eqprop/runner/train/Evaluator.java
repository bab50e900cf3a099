package org.eqprop.runner.train;

import org.eqprop.api.Batch;
import org.eqprop.api.Learner;
import org.eqprop.runner.data.Dataset;

/** Classification error of a learner's predictions over a whole data set, in fixed-size batches. */
final class Evaluator {
  private final Learner learner;
  private final BatchFeeder feeder;
  private final int batchSize;

  Evaluator(Learner learner, BatchFeeder feeder, int batchSize) {
    this.learner = learner;
    this.feeder = feeder;
    this.batchSize = batchSize;
  }

  /** Fraction of {@code data} misclassified. */
  double error(Dataset data) {
    int[] order = new int[data.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int errors = 0;
    for (int from = 0; from < order.length; from += batchSize) {
      int n = Math.min(batchSize, order.length - from);
      Batch batch = feeder.batch(data, order, from, n);
      int[] predicted = learner.predict(batch.input());
      for (int i = 0; i < n; i++) {
        if (predicted[i] != batch.labels()[i]) {
          errors++;
        }
      }
    }
    return (double) errors / data.count();
  }
}
