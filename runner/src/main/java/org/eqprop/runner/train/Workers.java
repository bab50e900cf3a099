package org.eqprop.runner.train;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * Workers for data-parallel training (synchronous parameter averaging): in each round every worker
 * trains its own minibatches from the same state, and the {@link Trainer} averages what they return.
 * An engine (the Spark module's, for {@code distributed.engine: spark}) supplies them through a
 * {@link WorkersProvider}; the trainer owns the rounds, the averaging, evaluation and checkpoints.
 */
public interface Workers extends AutoCloseable {
  /** Runs each task on its own worker and returns their results in the tasks' order. */
  List<Result> run(List<Task> tasks);

  @Override
  void close();

  /**
   * One worker's share of a round.
   *
   * @param worker the worker's index, from 0
   * @param epoch the epoch (1-based)
   * @param learningRateScale the schedule's scale for the epoch
   * @param examples the training examples of its minibatches, in order
   * @param batchSize examples per minibatch
   * @param state every tensor a checkpoint holds (parameters and optimizer state), by name
   * @param learnerState the state of the learner's random stream (the sign of beta)
   */
  record Task(int worker, int epoch, float learningRateScale, int[] examples, int batchSize,
      Map<String, float[]> state, long learnerState) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * What a worker returns: its state after its minibatches, and their sums.
   *
   * @param state its tensors after training, by name
   * @param learnerState its random stream's state after training
   * @param errors misclassified examples at their free fixed points
   * @param energy the sum of the examples' free energies
   * @param freeSteps the free-phase steps taken, summed over minibatches
   * @param divergence why training diverged (the worker stopped there), or null
   */
  record Result(Map<String, float[]> state, long learnerState, long errors, double energy, long freeSteps,
      String divergence) implements Serializable {
    private static final long serialVersionUID = 1L;
  }
}
