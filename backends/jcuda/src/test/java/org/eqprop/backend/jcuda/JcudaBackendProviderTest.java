package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.eqprop.api.spi.Availability;
import org.eqprop.api.spi.BackendProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, the driver search, the probe's answer where no driver exists, and option errors. */
class JcudaBackendProviderTest {
  private final JcudaBackendProvider provider = new JcudaBackendProvider();

  @Test
  void isDiscoveredThroughTheServiceLoader() {
    assertTrue(ServiceLoader.load(BackendProvider.class).stream()
        .anyMatch(p -> p.type() == JcudaBackendProvider.class));
    assertEquals("jcuda", provider.name());
  }

  @Test
  void findsTheDriverWhereTheLinkerWould(@TempDir Path dir) throws Exception {
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Path cache = dir.resolve("ld.so.cache");
    Files.write(cache, "glibc-ld.so.cache1.1\0libcudart.so.13\0/usr/local/cuda/lib/libcudart.so.13\0"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertFalse(JcudaBackendProvider.driverLibraryPresent(empty.toString(), cache, List.of(empty.toString())));
    assertFalse(JcudaBackendProvider.driverLibraryPresent(null, dir.resolve("missing"), List.of()));

    Files.createFile(lib.resolve("libcuda.so.1"));
    assertTrue(JcudaBackendProvider.driverLibraryPresent(empty + ":" + lib, cache, List.of()));
    assertTrue(JcudaBackendProvider.driverLibraryPresent(null, cache, List.of(lib.toString())));

    Files.write(cache, "glibc-ld.so.cache1.1\0libcuda.so.1\0/usr/lib/x86_64-linux-gnu/libcuda.so.1\0"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertTrue(JcudaBackendProvider.driverLibraryPresent(null, cache, List.of()));
  }

  @Test
  void withoutADriverTheProbeSaysSoAndCreateRefuses() {
    boolean driver = JcudaBackendProvider.driverLibraryPresent(System.getenv("LD_LIBRARY_PATH"),
        Path.of("/etc/ld.so.cache"), List.of("/lib", "/usr/lib", "/lib64", "/usr/lib64",
            "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu"));
    org.junit.jupiter.api.Assumptions.assumeFalse(driver, "this machine has a CUDA driver");
    Availability a = provider.probe();
    assertFalse(a.available());
    assertEquals("no CUDA driver (libcuda.so.1 not found)", a.reason());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> provider.create(Map.of()));
    assertEquals("backend jcuda is unavailable: no CUDA driver (libcuda.so.1 not found)", e.getMessage());
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("unknown option 'threads' for backend jcuda (known: device, relaxation, graphs, tf32)",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("threads", "2"))).getMessage());
    assertEquals("backend jcuda option device must be an integer, got 'one'",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("device", "one"))).getMessage());
    assertEquals("backend jcuda option device must be >= 0, got -1",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("device", "-1"))).getMessage());
    assertEquals("backend jcuda option relaxation must be one of auto, kernel, steps, products, got 'fast'",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("relaxation", "fast"))).getMessage());
    assertEquals("backend jcuda option graphs must be on or off, got 'yes'",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("graphs", "yes"))).getMessage());
    assertEquals("backend jcuda option tf32 must be on or off, got 'true'",
        assertThrows(IllegalArgumentException.class, () -> provider.create(Map.of("tf32", "true"))).getMessage());
  }
}
