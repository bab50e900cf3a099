package org.eqprop.models.optim;

import java.util.Arrays;
import java.util.List;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * Plain stochastic gradient descent with one learning rate per parameter group: {@code θ ← θ −
 * alpha[group(θ)] · g}. Named {@code sgd}.
 */
public final class Sgd implements Optimizer {
  /** The optimizer's name. */
  public static final String NAME = "sgd";

  private final Backend backend;
  private final float[] rates;

  /**
   * @param backend where the parameters live
   * @param rates one positive learning rate per parameter group (per layer, for layered networks)
   */
  public Sgd(Backend backend, float[] rates) {
    for (float r : rates) {
      if (!(r > 0f) || Float.isInfinite(r)) {
        throw new IllegalArgumentException(
            "learning rates must be positive and finite, got " + Arrays.toString(rates));
      }
    }
    this.backend = backend;
    this.rates = rates.clone();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void step(List<Parameter> parameters, List<Tensor> gradients) {
    if (parameters.size() != gradients.size()) {
      throw new IllegalArgumentException(
          parameters.size() + " parameters but " + gradients.size() + " gradients");
    }
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      if (p.group() >= rates.length) {
        throw new IllegalArgumentException(
            "parameter " + p.name() + " is in group " + p.group() + " but only "
                + rates.length + " learning rates are set");
      }
      backend.axpy(-rates[p.group()], gradients.get(i), p.value());
    }
  }
}
