package org.eqprop.runner.train;

/** Follows a training run: the console output (progress bar, lines or JSON) implements it. */
public interface TrainingListener {

  /** Epoch {@code epoch} starts (or resumes) at minibatch {@code firstBatch} of {@code batches}. */
  default void epochStarted(int epoch, int batches, int firstBatch) {}

  /**
   * A minibatch finished.
   *
   * @param batchesDone minibatches of this epoch done so far
   * @param samples training examples seen so far this epoch
   * @param errors free-phase errors so far this epoch
   * @param seconds training seconds so far this epoch
   */
  default void batchDone(int batchesDone, long samples, long errors, double seconds) {}

  /** An epoch finished and was recorded. */
  default void epochDone(EpochResult result) {}
}
