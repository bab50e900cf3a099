package org.eqprop.backend.nd4j;

import java.util.Locale;
import java.util.Map;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;

/**
 * Registers the {@code nd4j} backend. {@link #probe()} only checks the platform and that ND4J's
 * classes and its linux-x86_64 native library built with oneDNN are on the class path, without loading them (ND4J's
 * first use takes seconds); {@link #create} initialises ND4J.
 */
public final class Nd4jBackendProvider implements BackendProvider {
  private static final String NATIVE_LIBRARY = "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64-onednn/libjnind4jcpu.so";

  @Override
  public String name() {
    return Nd4jBackend.NAME;
  }

  /**
   * Below EJML's 10: {@code ejml} remains the faster CPU backend on the paper's networks
   * (docs/benchmarks.md), so this one is used when named.
   */
  @Override
  public int priority() {
    return 5;
  }

  @Override
  public String description() {
    return "native CPU backend (ND4J 1.0.0-M2.1 with oneDNN and OpenBLAS)";
  }

  @Override
  public Availability probe() {
    try {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      String arch = System.getProperty("os.arch", "");
      if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
        return Availability.unavailable("this build carries ND4J natives for linux-x86_64 only, not " + os + "-" + arch);
      }
      ClassLoader cl = Nd4jBackendProvider.class.getClassLoader();
      try {
        Class.forName("org.nd4j.linalg.factory.Nd4j", false, cl);
        Class.forName("org.nd4j.linalg.cpu.nativecpu.CpuBackend", false, cl);
      } catch (ClassNotFoundException e) {
        return Availability.unavailable("ND4J is not on the class path (" + e.getMessage() + ")");
      }
      if (cl.getResource(NATIVE_LIBRARY) == null) {
        return Availability.unavailable("the nd4j-native linux-x86_64-onednn jar is not on the class path");
      }
      return Availability.available("ND4J native CPU, linux-x86_64, " + Runtime.getRuntime().availableProcessors() + " cores");
    } catch (RuntimeException | LinkageError e) {
      return Availability.unavailable("probe failed: " + e);
    }
  }

  @Override
  public Backend create(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!key.equals("threads") && !key.equals("blas-threads") && !key.equals("products")) {
        throw new IllegalArgumentException(
            "unknown option '" + key + "' for backend nd4j (known: threads, blas-threads, products)");
      }
    }
    int cores = Runtime.getRuntime().availableProcessors();
    int threads = threads(options, "threads", cores);
    int blasThreads = threads(options, "blas-threads", 1);
    Products products = options.containsKey("products") ? Products.parse(options.get("products")) : Products.AUTO;
    try {
      org.nd4j.linalg.factory.Environment env = org.nd4j.linalg.factory.Nd4j.getEnvironment();
      env.setMaxThreads(1);
      env.setMaxMasterThreads(1);
      env.allowHelpers(false);
      org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
      org.nd4j.linalg.factory.Nd4j.factory().blas().setMaxThreads(blasThreads);
      org.nd4j.linalg.factory.Nd4j.setDefaultDataTypes(
          org.nd4j.linalg.api.buffer.DataType.FLOAT, org.nd4j.linalg.api.buffer.DataType.FLOAT);
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("ND4J failed to initialise: " + e, e);
    }
    return new Nd4jBackend(threads, blasThreads, products);
  }

  private static int threads(Map<String, String> options, String key, int fallback) {
    String value = options.get(key);
    if (value == null) {
      return fallback;
    }
    int threads;
    try {
      threads = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("backend nd4j option " + key + " must be an integer, got '" + value + "'");
    }
    if (threads < 1) {
      throw new IllegalArgumentException("backend nd4j option " + key + " must be >= 1, got " + value);
    }
    return threads;
  }
}
