package org.eqprop.models.compose;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.Backend;

/**
 * Registers {@link Dense} as the interaction type {@code dense}: {@code layers: [i, j]}, weights
 * {@code n_i × n_j}, Glorot-uniform. It takes no options.
 */
public final class DenseProvider implements InteractionProvider {
  @Override
  public String type() {
    return Dense.TYPE;
  }

  @Override
  public String description() {
    return "dense weights between two layers, E = -rho(s_i) W rho(s_j)^T (Glorot init)";
  }

  @Override
  public Interaction create(InteractionSpec spec, List<Layer> layers, Backend backend, RandomGenerator random) {
    Specs.requireNoOptions(spec);
    Specs.requireLayers(spec, 2);
    return Dense.glorot(backend, layers, spec.layers().get(0), spec.layers().get(1), spec.name(), spec.group(),
        random);
  }
}
