package org.eqprop.backend.jcuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.eqprop.api.tensor.Backend;

/**
 * Registers the {@code jcuda} backend. {@link #probe()} first looks for the CUDA driver library
 * where the dynamic linker would ({@code /etc/ld.so.cache}, {@code LD_LIBRARY_PATH}, the default
 * directories) without loading anything, so machines without a driver answer at once; where the
 * library exists it starts the driver, opens device 0 and loads the kernels' PTX, so that "no
 * device" and "the driver refuses the PTX" are reported as such. The answer is kept for the
 * process.
 */
public final class JcudaBackendProvider implements BackendProvider {
  /** The driver library JCuda's native code links against. */
  static final String DRIVER_LIBRARY = "libcuda.so.1";
  private static final List<String> DEFAULT_DIRS = List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64",
      "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu");
  private static final Set<String> OPTIONS = Set.of("device", "relaxation", "graphs", "tf32");

  private static volatile Availability probed;

  @Override
  public String name() {
    return JcudaBackend.NAME;
  }

  /** Above the CPU backends: where a GPU answers, it is the default. */
  @Override
  public int priority() {
    return 20;
  }

  @Override
  public String description() {
    return "GPU backend (CUDA driver API through JCuda 12.6.0, eqprop's own kernels)";
  }

  @Override
  public Availability probe() {
    Availability a = probed;
    if (a == null) {
      a = check();
      probed = a;
    }
    return a;
  }

  private static Availability check() {
    try {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      String arch = System.getProperty("os.arch", "");
      if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
        return Availability.unavailable("this build carries JCuda natives for linux-x86_64 only, not " + os + "-" + arch);
      }
      if (!driverLibraryPresent(System.getenv("LD_LIBRARY_PATH"), Path.of("/etc/ld.so.cache"), DEFAULT_DIRS)) {
        return Availability.unavailable("no CUDA driver (" + DRIVER_LIBRARY + " not found)");
      }
      try (CudaDevice device = new CudaDevice(0)) {
        return Availability.available(device.describe());
      }
    } catch (IllegalStateException e) {
      return Availability.unavailable(e.getMessage());
    } catch (RuntimeException | LinkageError e) {
      return Availability.unavailable("CUDA failed to start: " + e);
    }
  }

  /**
   * Whether the dynamic linker could find {@link #DRIVER_LIBRARY}: in a directory of {@code
   * ldLibraryPath}, named in the linker cache {@code cache}, or in one of {@code dirs}.
   */
  static boolean driverLibraryPresent(String ldLibraryPath, Path cache, List<String> dirs) {
    List<String> search = new ArrayList<>();
    if (ldLibraryPath != null) {
      for (String d : ldLibraryPath.split(":")) {
        if (!d.isEmpty()) {
          search.add(d);
        }
      }
    }
    search.addAll(dirs);
    for (String d : search) {
      if (Files.exists(Path.of(d, DRIVER_LIBRARY))) {
        return true;
      }
    }
    try {
      byte[] bytes = Files.readAllBytes(cache);
      return new String(bytes, StandardCharsets.ISO_8859_1).contains(DRIVER_LIBRARY + "\0");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public Backend create(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!OPTIONS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "' for backend jcuda (known: device, relaxation, graphs, tf32)");
      }
    }
    int ordinal = 0;
    String d = options.get("device");
    if (d != null) {
      try {
        ordinal = Integer.parseInt(d.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("backend jcuda option device must be an integer, got '" + d + "'");
      }
      if (ordinal < 0) {
        throw new IllegalArgumentException("backend jcuda option device must be >= 0, got " + d);
      }
    }
    JcudaRelaxation.Mode mode = mode(options.getOrDefault("relaxation", "auto"));
    boolean graphs = onOff(options, "graphs");
    boolean tf32 = onOff(options, "tf32");
    Availability a = probe();
    if (!a.available()) {
      throw new IllegalStateException("backend jcuda is unavailable: " + a.reason());
    }
    return new JcudaBackend(withGraphs(new CudaDevice(ordinal, graphs), graphs), mode, tf32);
  }

  /** Parses an option that is {@code on} or {@code off} (the default). */
  static boolean onOff(Map<String, String> options, String option) {
    String value = options.getOrDefault(option, "off").trim();
    return switch (value) {
      case "on" -> true;
      case "off" -> false;
      default -> throw new IllegalArgumentException(
          "backend jcuda option " + option + " must be on or off, got '" + value + "'");
    };
  }

  /** {@code device}, or with {@code graphs} a {@link GraphedDevice} over it. */
  static Device withGraphs(Device device, boolean graphs) {
    return graphs ? new GraphedDevice(device) : device;
  }

  /** Parses the {@code relaxation} option. */
  static JcudaRelaxation.Mode mode(String value) {
    return switch (value.trim()) {
      case "auto" -> JcudaRelaxation.Mode.AUTO;
      case "kernel" -> JcudaRelaxation.Mode.KERNEL;
      case "steps" -> JcudaRelaxation.Mode.STEPS;
      case "products" -> JcudaRelaxation.Mode.PRODUCTS;
      default -> throw new IllegalArgumentException(
          "backend jcuda option relaxation must be one of auto, kernel, steps, products, got '" + value.trim() + "'");
    };
  }
}
