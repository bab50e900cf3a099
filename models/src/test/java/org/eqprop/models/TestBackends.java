package org.eqprop.models;

import java.util.Map;
import java.util.ServiceLoader;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;

/** Finds backends for tests the way the runner does: through {@link ServiceLoader}. */
public final class TestBackends {
  private TestBackends() {}

  /** Creates the named backend with default options. */
  public static Backend create(String name) {
    for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
      if (p.name().equals(name)) {
        return p.create(Map.of());
      }
    }
    throw new IllegalStateException("no backend provider named " + name + " on the test classpath");
  }

  /** The pure-Java backend every build has. */
  public static Backend ejml() {
    return create("ejml");
  }
}
