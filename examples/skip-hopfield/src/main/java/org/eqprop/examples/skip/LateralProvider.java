package org.eqprop.examples.skip;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.Backend;

/**
 * Registers {@link Lateral} as the interaction type {@code lateral}: {@code layers: [k]}, option
 * {@code scale} (default 0.05), the half-width of the uniform initialisation. Listed in {@code
 * META-INF/services/org.eqprop.api.spi.InteractionProvider}.
 */
public final class LateralProvider implements InteractionProvider {
  /** The default half-width of the initial weights. */
  public static final double DEFAULT_SCALE = 0.05;

  @Override
  public String type() {
    return Lateral.TYPE;
  }

  @Override
  public String description() {
    return "example plug-in: lateral weights within one free layer, E = -rho(s) A rho(s)^T";
  }

  @Override
  public Interaction create(InteractionSpec spec, List<Layer> layers, Backend backend, RandomGenerator random) {
    if (spec.layers().size() != 1) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (lateral) joins 1 layer, got " + spec.layers());
    }
    double scale = DEFAULT_SCALE;
    for (var e : spec.options().entrySet()) {
      if (!e.getKey().equals("scale")) {
        throw new IllegalArgumentException("interaction " + spec.name() + " (lateral) has no option '" + e.getKey()
            + "' (options: scale)");
      }
      if (!(e.getValue() instanceof Number n) || !(n.doubleValue() >= 0) || Double.isInfinite(n.doubleValue())) {
        throw new IllegalArgumentException("interaction " + spec.name() + " (lateral): scale must be a number >= 0, got "
            + e.getValue());
      }
      scale = n.doubleValue();
    }
    return Lateral.random(backend, layers, spec.layers().get(0), spec.name(), spec.group(), scale, random);
  }
}
