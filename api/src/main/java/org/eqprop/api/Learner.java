package org.eqprop.api;

import org.eqprop.api.tensor.Tensor;

/**
 * A learning rule: turns a minibatch into a parameter update, and predicts classes.
 */
public interface Learner extends AutoCloseable {

  /** The name this learner is selected by, e.g. {@code ep}. */
  String name();

  /**
   * Trains on one minibatch: relaxes, estimates the gradient and applies the optimizer.
   *
   * @return the number of samples whose prediction at the free fixed point was wrong (before the
   *     update)
   */
  int train(Batch batch);

  /** The predicted class of every row of {@code input} ({@code batch × inputs}). */
  int[] predict(Tensor input);

  /** Releases scratch memory. */
  @Override
  void close();
}
