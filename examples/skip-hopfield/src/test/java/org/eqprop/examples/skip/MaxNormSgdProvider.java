package org.eqprop.examples.skip;

import java.util.List;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.spi.OptimizerProvider;
import org.eqprop.api.spi.Settings;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;

/**
 * A plug-in optimizer the runner has never seen, {@code max-norm-sgd}: each parameter steps by its
 * gradient divided by the gradient's largest entry, {@code θ ← θ − α·g / max|g|}, with the rates of
 * {@code optimizer.learning-rates} times {@code optimizer.options.scale} (default 1).
 */
public final class MaxNormSgdProvider implements OptimizerProvider {
  @Override
  public String name() {
    return "max-norm-sgd";
  }

  @Override
  public String description() {
    return "test plug-in: SGD on each gradient divided by its largest entry";
  }

  @Override
  public Optimizer create(Settings config, Backend backend, List<Parameter> parameters) {
    List<Double> rates = config.numbers("optimizer.learning-rates");
    if (rates.size() != Parameter.groups(parameters)) {
      throw new IllegalArgumentException("max-norm-sgd needs one rate per layer, got " + rates);
    }
    Object scale = config.map("optimizer.options").getOrDefault("scale", 1.0);
    if (!(scale instanceof Number s) || !(s.doubleValue() > 0)) {
      throw new IllegalArgumentException("config key 'optimizer.options.scale' must be a number > 0, got " + scale);
    }
    return new MaxNormSgd(backend, rates, s.doubleValue());
  }

  /** The optimizer. */
  static final class MaxNormSgd implements Optimizer {
    private final Backend backend;
    private final List<Double> rates;
    private final double scale;
    private float rateScale = 1f;

    MaxNormSgd(Backend backend, List<Double> rates, double scale) {
      this.backend = backend;
      this.rates = rates;
      this.scale = scale;
    }

    @Override
    public String name() {
      return "max-norm-sgd";
    }

    @Override
    public void step(List<Parameter> parameters, List<Tensor> gradients) {
      for (int i = 0; i < parameters.size(); i++) {
        Tensor g = gradients.get(i);
        float max = backend.maxAbs(g);
        if (max > 0f) {
          float rate = (float) (rates.get(parameters.get(i).group()) * scale) * rateScale;
          backend.axpy(-rate / max, g, parameters.get(i).value());
        }
      }
    }

    @Override
    public void setLearningRateScale(float s) {
      rateScale = s;
    }
  }
}
