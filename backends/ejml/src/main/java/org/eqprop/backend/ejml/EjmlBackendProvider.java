package org.eqprop.backend.ejml;

import java.util.Map;
import java.util.Set;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;
import org.ejml.concurrency.EjmlConcurrency;

/**
 * Registers the {@code ejml} backend. Always available: it is pure Java. Its products and fused
 * relaxation use the JDK's Vector API when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (the {@code eqprop} launcher does), and EJML's kernels and plain loops
 * otherwise.
 */
public final class EjmlBackendProvider implements BackendProvider {
  /** Default for {@code mt-threshold}: products smaller than this stay single-threaded. */
  public static final long DEFAULT_MT_THRESHOLD = 4_000_000L;

  private static final Set<String> KEYS = Set.of("threads", "mt-threshold", "simd", "fused");
  private static final String VECTOR_MODULE = "jdk.incubator.vector";

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

  /** EJML's matrices are Java float arrays. */
  @Override
  public boolean tensorsOnHeap() {
    return true;
  }

  @Override
  public Availability probe() {
    return Availability.available(
        "pure Java, " + Runtime.getRuntime().availableProcessors() + " cores, "
            + (vectorApi()
                ? new VectorGemm().describe() + " kernels"
                : "EJML kernels (--add-modules " + VECTOR_MODULE + " for the faster ones)"));
  }

  @Override
  public Backend create(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option '" + key + "' for backend ejml (known: threads, mt-threshold, simd, fused)");
      }
    }
    int threads = intOption(options, "threads", Runtime.getRuntime().availableProcessors(), 1);
    long threshold = intOption(options, "mt-threshold", DEFAULT_MT_THRESHOLD, 1);
    String simd = choice(options, "simd", "auto", "auto", "on", "off");
    boolean fused = Boolean.parseBoolean(choice(options, "fused", "true", "true", "false"));
    if (threads == 1) {
      threshold = Long.MAX_VALUE;
    } else {
      EjmlConcurrency.setMaxThreads(threads);
    }
    boolean simdOn = !simd.equals("off") && vectorApi();
    if (!simdOn && simd.equals("on")) {
      throw new IllegalArgumentException(
          "backend ejml option simd=on needs the JVM started with --add-modules " + VECTOR_MODULE);
    }
    Gemm gemm = simdOn ? new VectorGemm() : null;
    Lanes vector = simdOn ? new VectorLanes() : null;
    Lanes lanes = !fused ? null : vector != null ? vector : new Lanes.Scalar();
    return new EjmlBackend(threshold, threads, gemm, vector, lanes);
  }

  /** Whether the Vector API kernels can load: the JVM has the incubator module and links it (found out once). */
  private static boolean vectorApi() {
    return VectorApi.LOADS;
  }

  /** Holds the answer, worked out when first asked. */
  private static final class VectorApi {
    static final boolean LOADS = loads();

    private static boolean loads() {
      if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
        return false;
      }
      try {
        new VectorGemm();
        new VectorLanes();
        return true;
      } catch (LinkageError e) {
        return false;
      }
    }
  }

  private static String choice(Map<String, String> options, String key, String dflt, String... allowed) {
    String v = options.getOrDefault(key, dflt).trim();
    for (String a : allowed) {
      if (a.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "backend ejml option " + key + " must be one of " + String.join(", ", allowed)
            + ", got '" + v + "'");
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
