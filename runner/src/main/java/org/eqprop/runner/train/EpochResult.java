package org.eqprop.runner.train;

/**
 * What one epoch measured.
 *
 * @param epoch 1-based
 * @param trainError fraction of training examples misclassified at their free fixed point during
 *     the epoch (before each minibatch's update)
 * @param testError fraction of test examples misclassified after the epoch
 * @param seconds wall time of the epoch's training (evaluation excluded)
 * @param samplesPerSecond training examples per second
 * @param evalSeconds wall time of the evaluation
 */
public record EpochResult(
    int epoch, double trainError, double testError, double seconds, double samplesPerSecond, double evalSeconds) {

  /** The CSV header matching {@link #csvRow()}. */
  public static final String CSV_HEADER = "epoch,train_error,test_error,seconds,samples_per_second,eval_seconds";

  /** This result as a CSV row. */
  public String csvRow() {
    return String.format(
        java.util.Locale.ROOT, "%d,%.6f,%.6f,%.3f,%.1f,%.3f", epoch, trainError, testError, seconds, samplesPerSecond, evalSeconds);
  }

  /** This result as one human-readable line. */
  public String line(int epochs) {
    return String.format(
        java.util.Locale.ROOT,
        "epoch %d/%d  train_error %.2f%%  test_error %.2f%%  %.1f s  %,.0f samples/s",
        epoch, epochs, 100 * trainError, 100 * testError, seconds, samplesPerSecond);
  }
}
