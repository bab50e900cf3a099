package org.eqprop.api;

import java.util.Objects;
import org.eqprop.api.tensor.Tensor;

/**
 * A trainable tensor of a model.
 *
 * @param name unique within the model, e.g. {@code W1} or {@code b2}
 * @param group the learning-rate group: per-layer optimizers give every parameter of group {@code
 *     g} the rate {@code alpha[g]} (for layered networks, the index of the layer the parameter feeds,
 *     0 for the first hidden layer)
 * @param value the tensor, updated in place by the optimizer
 */
public record Parameter(String name, int group, Tensor value) {

  /** Validates the fields. */
  public Parameter {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
    if (group < 0) {
      throw new IllegalArgumentException("group must be >= 0, got " + group);
    }
  }
}
