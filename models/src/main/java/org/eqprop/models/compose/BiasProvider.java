package org.eqprop.models.compose;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.Backend;

/** Registers {@link Bias} as the interaction type {@code bias}: {@code layers: [k]}, zeros. No options. */
public final class BiasProvider implements InteractionProvider {
  @Override
  public String type() {
    return Bias.TYPE;
  }

  @Override
  public String description() {
    return "a bias on one free layer, E = -b rho(s)^T (zero init)";
  }

  @Override
  public Interaction create(InteractionSpec spec, List<Layer> layers, Backend backend, RandomGenerator random) {
    Specs.requireNoOptions(spec);
    Specs.requireLayers(spec, 1);
    return Bias.zeros(backend, layers, spec.layers().get(0), spec.name(), spec.group());
  }
}
