package org.eqprop.api;

import java.util.Objects;
import org.eqprop.api.tensor.Tensor;

/**
 * One minibatch on the backend.
 *
 * @param input {@code batch × inputs}, the clamped layer
 * @param target {@code batch × outputs}, e.g. one-hot labels
 * @param labels the class of each sample, for counting errors
 * @param indices the position of each sample in its data set (the key of persistent particles)
 */
public record Batch(Tensor input, Tensor target, int[] labels, int[] indices) {

  /** Validates that all parts describe the same number of samples. */
  public Batch {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(indices, "indices");
    int n = input.rows();
    if (target.rows() != n || labels.length != n || indices.length != n) {
      throw new IllegalArgumentException(
          "batch parts disagree: input " + input.shape() + ", target " + target.shape()
              + ", " + labels.length + " labels, " + indices.length + " indices");
    }
  }

  /** Number of samples. */
  public int size() {
    return input.rows();
  }
}
