package org.eqprop.api;

import java.util.ArrayList;
import java.util.List;
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

  /**
   * Every trainable parameter of a run: the energy's, then the cost's ({@link Cost#parameters()});
   * the order optimizers, checkpoints and gradient lists use.
   */
  public static List<Parameter> trainable(Energy energy, Cost cost) {
    List<Parameter> own = cost.parameters();
    if (own.isEmpty()) {
      return energy.parameters();
    }
    List<Parameter> all = new ArrayList<>(energy.parameters());
    all.addAll(own);
    return List.copyOf(all);
  }

  /** Number of learning-rate groups of {@code parameters}: {@code 1 + max(group)}. */
  public static int groups(List<Parameter> parameters) {
    return parameters.stream().mapToInt(Parameter::group).max().orElse(-1) + 1;
  }
}
