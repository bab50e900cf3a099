package org.eqprop.benchmarks;

import java.util.Map;
import java.util.ServiceLoader;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;

/** Creates a backend by name through {@link ServiceLoader}, as the runner does. */
final class Backends {
  private Backends() {}

  static Backend create(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) {
        if (!p.probe().available()) {
          throw new IllegalStateException("backend " + name + " is unavailable: " + p.probe().reason());
        }
        return p.create(Map.of());
      }
    }
    throw new IllegalArgumentException("no backend named " + name);
  }
}
