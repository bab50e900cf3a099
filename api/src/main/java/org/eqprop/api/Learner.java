package org.eqprop.api;

import java.util.Map;
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
   * @return the errors and energy at the free fixed point, before the update
   * @throws DivergenceException if training stopped being finite (the message names the parameter
   *     or state at fault where it can)
   */
  TrainStep train(Batch batch);

  /**
   * Trains on one minibatch like {@link #train} but may return before its report is read, so a
   * caller can issue the next minibatch while the backend still works on this one and read this
   * report after (on a GPU the host then never waits for the device between steps). The update is
   * applied before the report is read: where the report says the step diverged, the parameters
   * may already hold NaN. By default, {@link #train} and its report at once.
   *
   * <p>The batch's tensors and arrays may be reused once this returns.
   *
   * @throws DivergenceException where the report is read at once and the step diverged
   */
  default PendingStep trainLater(Batch batch) {
    TrainStep step = train(batch);
    return () -> step;
  }

  /** The predicted class of every row of {@code input} ({@code batch × inputs}). */
  int[] predict(Tensor input);

  /**
   * The learner's own state besides the model's parameters (for example persistent particles), by
   * name: checkpoints save these tensors and restore them in place. Empty when there is none.
   */
  default Map<String, Tensor> stateTensors() {
    return Map.of();
  }

  /** Releases scratch memory. */
  @Override
  void close();
}
