package org.eqprop.runner.wiring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.ModelProvider;
import org.eqprop.api.spi.ModelSpec;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.config.RunConfig;
import org.eqprop.runner.config.Suggest;
import org.eqprop.runner.plugins.Plugins;

/** The {@link ModelProvider}s on the class path, by name. */
public final class ModelRegistry {
  private final Map<String, ModelProvider> providers = new LinkedHashMap<>();

  /** A registry of the given providers; two with one name are a usage error naming both origins. */
  public ModelRegistry(List<ModelProvider> list) {
    for (ModelProvider p : list) {
      ModelProvider old = providers.putIfAbsent(p.name(), p);
      if (old != null) {
        throw EqpropException.usage(
            "two model providers are named '" + p.name() + "': " + old.getClass().getName() + " (from "
                + Plugins.origin(old) + ") and " + p.getClass().getName() + " (from " + Plugins.origin(p) + ")");
      }
    }
  }

  /** Discovers every {@link ModelProvider} on the class path and in the plug-ins. */
  public static ModelRegistry discover(Plugins plugins) {
    return new ModelRegistry(plugins.providers(ModelProvider.class));
  }

  /** All providers in discovery order. */
  public List<ModelProvider> providers() {
    return List.copyOf(providers.values());
  }

  /** Creates the configured model; unknown names and rejected specs are usage errors. */
  public Energy create(RunConfig.Model model, Backend backend, RandomGenerator random) {
    ModelProvider p = providers.get(model.name());
    if (p == null) {
      throw EqpropException.usage(
          "Unknown model '" + model.name() + "'"
              + Suggest.hint(model.name(), providers.keySet())
              + ". Known models: " + providers.keySet());
    }
    try {
      return p.create(new ModelSpec(model.layers(), model.options()), backend, random);
    } catch (IllegalArgumentException e) {
      throw EqpropException.usage("model " + model.name() + ": " + e.getMessage());
    }
  }
}
