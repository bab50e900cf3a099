package org.eqprop.models.optim;

import java.util.Arrays;
import java.util.List;
import org.eqprop.api.Parameter;

/** The per-group learning rates every optimizer here shares, with the schedule's scale. */
final class Rates {
  private final float[] rates;
  private float scale = 1f;

  Rates(float[] rates) {
    for (float r : rates) {
      if (!(r > 0f) || Float.isInfinite(r)) {
        throw new IllegalArgumentException(
            "learning rates must be positive and finite, got " + Arrays.toString(rates));
      }
    }
    this.rates = rates.clone();
  }

  void setScale(float scale) {
    if (!(scale >= 0f) || Float.isInfinite(scale)) {
      throw new IllegalArgumentException("learning-rate scale must be >= 0 and finite, got " + scale);
    }
    this.scale = scale;
  }

  /** The rate in effect for {@code p}. */
  float of(Parameter p) {
    if (p.group() >= rates.length) {
      throw new IllegalArgumentException(
          "parameter " + p.name() + " is in group " + p.group() + " but only " + rates.length
              + " learning rates are set");
    }
    return rates[p.group()] * scale;
  }

  /**
   * {@code optimizer.learning-rates}, one per parameter group of {@code parameters}.
   *
   * @throws IllegalArgumentException where the count differs from the model's groups
   */
  static float[] configured(org.eqprop.api.spi.Settings config, List<Parameter> parameters) {
    int groups = Parameter.groups(parameters);
    List<Double> rates = config.numbers("optimizer.learning-rates");
    if (rates.size() != groups) {
      throw new IllegalArgumentException("config key 'optimizer.learning-rates' has " + rates.size()
          + " rates but the model has " + groups + " layers of parameters (one rate each)");
    }
    float[] r = new float[groups];
    for (int i = 0; i < groups; i++) {
      r[i] = rates.get(i).floatValue();
    }
    return r;
  }

  static void requireSameSize(List<?> parameters, List<?> gradients) {
    if (parameters.size() != gradients.size()) {
      throw new IllegalArgumentException(
          parameters.size() + " parameters but " + gradients.size() + " gradients");
    }
  }

  static void requireUnit(String what, float v, boolean closedAtZero) {
    if (!(closedAtZero ? v >= 0f : v > 0f) || !(v < 1f)) {
      throw new IllegalArgumentException(
          what + " must be in " + (closedAtZero ? "[0, 1)" : "(0, 1)") + ", got " + v);
    }
  }

  static void requireNonNegative(String what, float v) {
    if (!(v >= 0f) || Float.isInfinite(v)) {
      throw new IllegalArgumentException(what + " must be >= 0 and finite, got " + v);
    }
  }
}
