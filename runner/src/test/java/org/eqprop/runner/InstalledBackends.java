package org.eqprop.runner;

import org.eqprop.api.spi.Availability;
import java.util.ServiceLoader;
import org.eqprop.api.spi.BackendProvider;

/**
 * The backends an "unknown backend" error lists here: ejml and nd4j always, jcuda available only
 * on a machine with a CUDA device, unavailable with its probe's reason elsewhere (as on CI).
 */
final class InstalledBackends {
  private InstalledBackends() {}

  /** The tail of the message, e.g. {@code Available: [ejml, nd4j]. Unavailable: [jcuda: no CUDA driver ...]}. */
  static String listing() {
    Availability gpu = ServiceLoader.load(BackendProvider.class).stream()
        .map(ServiceLoader.Provider::get)
        .filter(p -> p.name().equals("jcuda"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the runner's class path lacks the jcuda backend"))
        .probe();
    return gpu.available()
        ? "Available: [ejml, jcuda, nd4j]. Unavailable: []"
        : "Available: [ejml, nd4j]. Unavailable: [jcuda: " + gpu.reason() + "]";
  }

  /** The available backends as the registry lists them, e.g. {@code [ejml, nd4j]}. */
  static String available() {
    String l = listing();
    return l.substring("Available: ".length(), l.indexOf(". Unavailable"));
  }
}
