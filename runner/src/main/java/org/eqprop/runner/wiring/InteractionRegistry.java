package org.eqprop.runner.wiring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.config.Suggest;
import org.eqprop.runner.plugins.Plugins;

/** The {@link InteractionProvider}s on the class path and in the plug-ins, by type. */
public final class InteractionRegistry {
  private final Map<String, InteractionProvider> providers = new LinkedHashMap<>();

  /** A registry of the given providers; two with one type are a usage error naming both origins. */
  public InteractionRegistry(List<InteractionProvider> list) {
    for (InteractionProvider p : list) {
      InteractionProvider old = providers.putIfAbsent(p.type(), p);
      if (old != null) {
        throw EqpropException.usage(
            "two interaction providers are named '" + p.type() + "': " + old.getClass().getName() + " (from "
                + Plugins.origin(old) + ") and " + p.getClass().getName() + " (from " + Plugins.origin(p) + ")");
      }
    }
  }

  /** Discovers every {@link InteractionProvider}. */
  public static InteractionRegistry discover(Plugins plugins) {
    return new InteractionRegistry(plugins.providers(InteractionProvider.class));
  }

  /** All providers in discovery order. */
  public List<InteractionProvider> providers() {
    return List.copyOf(providers.values());
  }

  /** The provider of {@code type}; an unknown type is a usage error with the closest known one. */
  public InteractionProvider get(String type) {
    InteractionProvider p = providers.get(type);
    if (p == null) {
      throw EqpropException.usage("Unknown interaction type '" + type + "'" + Suggest.hint(type, providers.keySet())
          + ". Known: " + new java.util.TreeSet<>(providers.keySet()));
    }
    return p;
  }
}
