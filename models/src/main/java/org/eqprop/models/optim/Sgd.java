package org.eqprop.models.optim;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Shapes;
import org.eqprop.api.tensor.Tensor;

/**
 * Stochastic gradient descent with one learning rate per parameter group, optional heavy-ball
 * momentum and decoupled weight decay:
 *
 * <pre>
 *   θ ← θ·(1 − α·λ)            (weight decay λ, when set)
 *   v ← μ·v + g;  θ ← θ − α·v   (momentum μ; with μ = 0, θ ← θ − α·g)
 * </pre>
 *
 * {@code α = alpha[group(θ)]} times the schedule's scale. Named {@code sgd}; the momentum buffers
 * are its checkpointed state.
 */
public final class Sgd implements Optimizer {
  /** The optimizer's name. */
  public static final String NAME = "sgd";

  private final Backend backend;
  private final Rates rates;
  private final float momentum;
  private final float weightDecay;
  private final Map<String, Tensor> velocity = new LinkedHashMap<>();

  /** Plain SGD: no momentum, no weight decay. */
  public Sgd(Backend backend, float[] rates) {
    this(backend, List.of(), rates, 0f, 0f);
  }

  /**
   * @param backend where the parameters live
   * @param parameters the parameters it will update (their momentum buffers are made now)
   * @param rates one positive learning rate per parameter group (per layer, for layered networks)
   * @param momentum {@code μ} in {@code [0, 1)}; 0 is plain SGD
   * @param weightDecay {@code λ ≥ 0}, applied to every parameter
   */
  public Sgd(
      Backend backend, List<Parameter> parameters, float[] rates, float momentum, float weightDecay) {
    Rates.requireUnit("momentum", momentum, true);
    Rates.requireNonNegative("weight decay", weightDecay);
    this.backend = backend;
    this.rates = new Rates(rates);
    this.momentum = momentum;
    this.weightDecay = weightDecay;
    if (momentum > 0f) {
      for (Parameter p : parameters) {
        velocity.put("momentum." + p.name(), backend.zeros(p.value().rows(), p.value().cols()));
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void setLearningRateScale(float scale) {
    rates.setScale(scale);
  }

  @Override
  public void step(List<Parameter> parameters, List<Tensor> gradients) {
    Rates.requireSameSize(parameters, gradients);
    for (int i = 0; i < parameters.size(); i++) {
      Parameter p = parameters.get(i);
      float alpha = rates.of(p);
      Tensor g = gradients.get(i);
      if (weightDecay > 0f) {
        backend.scale(1f - alpha * weightDecay, p.value(), p.value());
      }
      if (momentum > 0f) {
        Tensor v = velocity.get("momentum." + p.name());
        if (v == null) {
          throw new IllegalArgumentException("no momentum buffer for parameter " + p.name());
        }
        Shapes.requireSame("momentum of " + p.name(), v, g);
        backend.scale(momentum, v, v);
        backend.axpy(1f, g, v);
        g = v;
      }
      backend.axpy(-alpha, g, p.value());
    }
  }

  /**
   * The rates {@code r_i} when this is plain SGD (no momentum, no weight decay), whose next {@link
   * #step} is exactly {@code θ_i ← θ_i − r_i·g_i} and changes nothing else, so a learner may fold
   * the step into computing the gradient; empty otherwise.
   *
   * @param parameters the parameters, in the model's order
   */
  public Optional<float[]> descentRates(List<Parameter> parameters) {
    if (momentum > 0f || weightDecay > 0f) {
      return Optional.empty();
    }
    float[] r = new float[parameters.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = rates.of(parameters.get(i));
    }
    return Optional.of(r);
  }

  @Override
  public Map<String, Tensor> stateTensors() {
    return Collections.unmodifiableMap(velocity);
  }

  @Override
  public void close() {
    velocity.values().forEach(Tensor::close);
  }
}
