package org.eqprop.runner.train;

import java.util.Locale;

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
 * @param meanEnergy the energy at the free fixed point, averaged over the epoch's training examples
 * @param meanFreeSteps steps the free phase took, averaged over the epoch's minibatches (T1 unless
 *     {@code dynamics.tolerance} stopped it earlier; 0 when the learner does not report them)
 */
public record EpochResult(
    int epoch,
    double trainError,
    double testError,
    double seconds,
    double samplesPerSecond,
    double evalSeconds,
    double meanEnergy,
    double meanFreeSteps) {

  /** The CSV header matching {@link #csvRow()}. */
  public static final String CSV_HEADER =
      "epoch,train_error,test_error,seconds,samples_per_second,eval_seconds,mean_energy,free_steps";

  /** This result as a CSV row. */
  public String csvRow() {
    return String.format(
        Locale.ROOT, "%d,%.6f,%.6f,%.3f,%.1f,%.3f,%.6f,%.2f",
        epoch, trainError, testError, seconds, samplesPerSecond, evalSeconds, meanEnergy, meanFreeSteps);
  }

  /** Parses a row written by {@link #csvRow()} (or by an eqprop without the free_steps column: 0 then). */
  public static EpochResult parse(String row) {
    String[] f = row.split(",");
    if (f.length != 7 && f.length != 8) {
      throw new IllegalArgumentException("a metrics row has 8 fields, got: " + row);
    }
    return new EpochResult(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
        Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]),
        f.length == 8 ? Double.parseDouble(f[7]) : 0);
  }

  /** This result as one human-readable line. */
  public String line(int epochs) {
    return String.format(
        Locale.ROOT,
        "epoch %d/%d  train_error %.2f%%  test_error %.2f%%  energy %.3f  %.1f free steps  %.1f s  %,.0f samples/s",
        epoch, epochs, 100 * trainError, 100 * testError, meanEnergy, meanFreeSteps, seconds, samplesPerSecond);
  }

  /** This result as one JSON object (for {@code --json}). */
  public String json() {
    return String.format(
        Locale.ROOT,
        "{\"epoch\":%d,\"train_error\":%.6f,\"test_error\":%.6f,\"seconds\":%.3f,\"samples_per_second\":%.1f,"
            + "\"eval_seconds\":%.3f,\"mean_energy\":%.6f,\"free_steps\":%.2f}",
        epoch, trainError, testError, seconds, samplesPerSecond, evalSeconds, meanEnergy, meanFreeSteps);
  }
}
