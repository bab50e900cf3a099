package org.eqprop.backend.ejml;

import java.util.Map;
import java.util.Set;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.ejml.concurrency.EjmlConcurrency;

/** Registers the {@code ejml} backend. Always available: it is pure Java. */
public final class EjmlBackendProvider implements BackendProvider {
  /** Default for {@code mt-threshold}: products smaller than this stay single-threaded. */
  public static final long DEFAULT_MT_THRESHOLD = 4_000_000L;

  private static final Set<String> KEYS = Set.of("threads", "mt-threshold");

  @Override
  public String name() {
    return EjmlBackend.NAME;
  }

  @Override
  public int priority() {
    return 10;
  }

  @Override
  public String description() {
    return "pure-Java CPU backend (EJML float32)";
  }

  @Override
  public Availability probe() {
    return Availability.available(
        "pure Java, " + Runtime.getRuntime().availableProcessors() + " cores");
  }

  @Override
  public Backend create(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option '" + key + "' for backend ejml (known: threads, mt-threshold)");
      }
    }
    int threads = intOption(options, "threads", Runtime.getRuntime().availableProcessors(), 1);
    long threshold = intOption(options, "mt-threshold", DEFAULT_MT_THRESHOLD, 1);
    if (threads == 1) {
      threshold = Long.MAX_VALUE;
    } else {
      EjmlConcurrency.setMaxThreads(threads);
    }
    return new EjmlBackend(threshold);
  }

  private static int intOption(Map<String, String> options, String key, long dflt, long min) {
    String v = options.get(key);
    if (v == null) {
      return (int) Math.min(dflt, Integer.MAX_VALUE);
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min) {
        throw new IllegalArgumentException(
            "backend ejml option " + key + " must be >= " + min + ", got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "backend ejml option " + key + " must be an integer, got '" + v + "'");
    }
  }
}
