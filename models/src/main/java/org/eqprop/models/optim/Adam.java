package org.eqprop.models.optim;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * Adam (Kingma &amp; Ba 2015) with one learning rate per parameter group and decoupled weight
 * decay (AdamW), as PyTorch computes it:
 *
 * <pre>
 *   θ ← θ·(1 − α·λ)
 *   m ← β₁·m + (1 − β₁)·g;   v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − α/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * Named {@code adam}; {@code m}, {@code v} and the step count {@code t} are its checkpointed state.
 * Where the backend offers an {@link AdamUpdate} kernel each tensor is updated in one fused pass.
 */
public final class Adam implements Optimizer {
  /** The optimizer's name. */
  public static final String NAME = "adam";

  private final Backend backend;
  private final Rates rates;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final float weightDecay;
  private final Map<String, Tensor> state = new LinkedHashMap<>();
  private final Tensor steps;
  private final Map<String, Tensor> work = new HashMap<>();
  private final AdamUpdate fused;

  /**
   * @param backend where the parameters live
   * @param parameters the parameters it will update (their moment buffers are made now)
   * @param rates one positive learning rate per parameter group
   * @param beta1 decay of the first moment, in {@code (0, 1)}
   * @param beta2 decay of the second moment, in {@code (0, 1)}
   * @param epsilon added to the root of the second moment, positive
   * @param weightDecay {@code λ ≥ 0}, decoupled, applied to every parameter
   */
  public Adam(
      Backend backend,
      List<Parameter> parameters,
      float[] rates,
      float beta1,
      float beta2,
      float epsilon,
      float weightDecay) {
    Rates.requireUnit("beta1", beta1, false);
    Rates.requireUnit("beta2", beta2, false);
    if (!(epsilon > 0f) || Float.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be positive and finite, got " + epsilon);
    }
    Rates.requireNonNegative("weight decay", weightDecay);
    this.backend = backend;
    this.rates = new Rates(rates);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    this.weightDecay = weightDecay;
    for (Parameter p : parameters) {
      state.put("m." + p.name(), backend.zeros(p.value().rows(), p.value().cols()));
      state.put("v." + p.name(), backend.zeros(p.value().rows(), p.value().cols()));
    }
    steps = backend.zeros(1, 1);
    state.put("t", steps);
    fused = backend.extension(AdamUpdate.class).orElse(null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void setLearningRateScale(float scale) {
    rates.setScale(scale);
  }

  private Tensor moment(String which, Parameter p, Tensor g) {
    Tensor t = state.get(which + "." + p.name());
    if (t == null) {
      throw new IllegalArgumentException("no Adam moments for parameter " + p.name());
    }
    Shapes.requireSame("Adam moment of " + p.name(), t, g);
    return t;
  }

  @Override
  public void step(List<Parameter> parameters, List<Tensor> gradients) {
    Rates.requireSameSize(parameters, gradients);
    // the step count lives in a tensor so that checkpoints carry it
    float t = backend.toHost(steps)[0] + 1f;
    backend.fill(steps, t);
    double correction1 = 1 - Math.pow(beta1, t);
    double correction2 = 1 - Math.pow(beta2, t);
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      Tensor g = gradients.get(i);
      Tensor m = moment("m", p, g);
      Tensor v = moment("v", p, g);
      float alpha = rates.of(p);
      if (fused != null) {
        fused.update(p.value(), g, m, v, alpha, beta1, beta2, epsilon, (float) correction1, (float) correction2,
            weightDecay);
        continue;
      }
      if (weightDecay > 0f) {
        backend.scale(1f - alpha * weightDecay, p.value(), p.value());
      }
      Tensor tmp = work.computeIfAbsent(g.shape(), k -> backend.zeros(g.rows(), g.cols()));
      backend.scale(beta1, m, m);
      backend.axpy(1f - beta1, g, m);
      backend.mul(g, g, tmp);
      backend.scale(beta2, v, v);
      backend.axpy(1f - beta2, tmp, v);
      backend.sqrt(v, tmp);
      backend.scale((float) (1 / Math.sqrt(correction2)), tmp, tmp);
      backend.addScalar(tmp, epsilon, tmp);
      backend.div(m, tmp, tmp);
      backend.axpy((float) (-alpha / correction1), tmp, p.value());
    }
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    return Collections.unmodifiableMap(state);
  }

  @Override
  public void close() {
    state.values().forEach(Tensor::close);
    work.values().forEach(Tensor::close);
  }
}
