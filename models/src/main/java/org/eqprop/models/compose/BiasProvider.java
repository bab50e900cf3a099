package org.eqprop.models.compose;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.Backend;

/**
 * Registers {@link Bias} as the interaction type {@code bias}: {@code layers: [k]}, zeros; with the
 * option {@code channels: C} a bias per channel of an image layer ({@link ChannelBias}).
 */
public final class BiasProvider implements InteractionProvider {
  @Override
  public String type() {
    return Bias.TYPE;
  }

  @Override
  public String description() {
    return "a bias on one free layer, E = -b rho(s)^T (zero init); option channels: one bias per channel of an "
        + "image layer";
  }

  @Override
  public Interaction create(InteractionSpec spec, List<Layer> layers, Backend backend, RandomGenerator random) {
    Specs.requireLayers(spec, 1);
    Object channels = spec.options().get("channels");
    if (channels == null) {
      Specs.requireNoOptions(spec);
      return Bias.zeros(backend, layers, spec.layers().get(0), spec.name(), spec.group());
    }
    if (spec.options().size() > 1) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (bias) takes only the option channels, got "
          + spec.options().keySet());
    }
    if (!(channels instanceof Integer c)) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (bias) needs channels as a whole number, got "
          + channels);
    }
    return ChannelBias.zeros(backend, layers, spec.layers().get(0), c, spec.name(), spec.group());
  }
}
