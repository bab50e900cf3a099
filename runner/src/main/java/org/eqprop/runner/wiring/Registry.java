package org.eqprop.runner.wiring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.config.Suggest;
import org.eqprop.runner.plugins.Plugins;

/**
 * The discovered providers of one kind, by name, with the one policy every kind follows: two
 * providers with one name are a usage error naming both and where each came from, and an unknown
 * name is a usage error with the closest known one and the list.
 *
 * @param <T> the provider type
 */
public final class Registry<T> {
  private final String kind;
  private final Map<String, T> providers = new LinkedHashMap<>();

  /**
   * @param kind what the providers provide, in messages: {@code model}, {@code interaction type},
   *     {@code dynamics}, …
   * @param list the providers in discovery order
   * @param name a provider's name
   */
  public Registry(String kind, List<T> list, Function<T, String> name) {
    this.kind = kind;
    for (T p : list) {
      T old = providers.putIfAbsent(name.apply(p), p);
      if (old != null) {
        throw EqpropException.usage("two " + kind + " providers are named '" + name.apply(p) + "': "
            + old.getClass().getName() + " (from " + Plugins.origin(old) + ") and " + p.getClass().getName()
            + " (from " + Plugins.origin(p) + ")");
      }
    }
  }

  /** All providers in discovery order. */
  public List<T> providers() {
    return List.copyOf(providers.values());
  }

  /** The names, in discovery order. */
  public List<String> names() {
    return new ArrayList<>(providers.keySet());
  }

  /** The provider named {@code name}, or null. */
  public T find(String name) {
    return providers.get(name);
  }

  /** The provider named {@code name}; an unknown name is a usage error. */
  public T get(String name) {
    T p = providers.get(name);
    if (p == null) {
      throw EqpropException.usage("Unknown " + kind + " '" + name + "'" + Suggest.hint(name, providers.keySet())
          + ". Known: " + new TreeSet<>(providers.keySet()));
    }
    return p;
  }
}
