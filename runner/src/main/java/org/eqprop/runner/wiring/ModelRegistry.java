package org.eqprop.runner.wiring;

import java.util.List;
import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.api.spi.ModelSpec;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.config.Suggest;
import org.eqprop.runner.plugins.Plugins;

/**
 * The {@link ModelProvider}s on the class path, by name, and the model {@code network}, built from
 * the declared interactions with the discovered interaction types; and the dynamics, costs,
 * optimizers and learners discovered with them ({@link ComponentRegistry}).
 */
public final class ModelRegistry {
  private final Registry<ModelProvider> providers;
  private final Registry<InteractionProvider> interactions;
  private final ComponentRegistry components;

  /** A registry of the given providers, no interaction types and the built-in components. */
  public ModelRegistry(List<ModelProvider> list) {
    this(list, new Registry<>("interaction type", List.of(), InteractionProvider::type),
        ComponentRegistry.builtIn());
  }

  /**
   * A registry of the given providers, interaction types and components; two models with one name
   * (or a model named {@code network}) are a usage error naming both origins.
   */
  public ModelRegistry(List<ModelProvider> list, Registry<InteractionProvider> interactions,
      ComponentRegistry components) {
    this.interactions = interactions;
    this.components = components;
    for (ModelProvider p : list) {
      if (p.name().equals(NetworkModel.NAME)) {
        throw EqpropException.usage("a model provider is named '" + NetworkModel.NAME + "', the built-in model of "
            + "declared networks: " + p.getClass().getName() + " (from " + Plugins.origin(p) + ")");
      }
    }
    this.providers = new Registry<>("model", list, ModelProvider::name);
  }

  /** Discovers every {@link ModelProvider} on the class path and in the plug-ins. */
  public static ModelRegistry discover(Plugins plugins) {
    return new ModelRegistry(plugins.providers(ModelProvider.class),
        new Registry<>("interaction type", plugins.providers(InteractionProvider.class), InteractionProvider::type),
        ComponentRegistry.discover(plugins));
  }

  /** The interaction types networks may be declared with. */
  public Registry<InteractionProvider> interactions() {
    return interactions;
  }

  /** The dynamics, costs, optimizers and learners discovered with the models. */
  public ComponentRegistry components() {
    return components;
  }

  /** All providers in discovery order. */
  public List<ModelProvider> providers() {
    return providers.providers();
  }

  /** Creates the configured model; unknown names and rejected specs are usage errors. */
  public Energy create(RunConfig.Model model, Backend backend, RandomGenerator random) {
    if (model.name().equals(NetworkModel.NAME)) {
      return NetworkModel.create(model.layers(), model.interactions(), interactions, backend, random);
    }
    ModelProvider p = providers.find(model.name());
    if (p == null) {
      List<String> known = providers.names();
      known.add(NetworkModel.NAME);
      throw EqpropException.usage(
          "Unknown model '" + model.name() + "'"
              + Suggest.hint(model.name(), known)
              + ". Known models: " + known);
    }
    if (!model.interactions().isEmpty()) {
      throw EqpropException.usage("model " + model.name() + " takes no 'model.interactions' (they declare a network:"
          + " set model.name to network)");
    }
    try {
      return p.create(new ModelSpec(model.layers(), model.options()), backend, random);
    } catch (IllegalArgumentException e) {
      throw EqpropException.usage("model " + model.name() + ": " + e.getMessage());
    }
  }
}
