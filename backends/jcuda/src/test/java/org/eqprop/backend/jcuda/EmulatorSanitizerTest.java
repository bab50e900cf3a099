package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The emulator built with AddressSanitizer and UndefinedBehaviorSanitizer checks every global and
 * shared access against its allocation: shown catching three kernels that are wrong on purpose
 * (past the end of global memory, of dynamic shared memory, of a static shared array), and then
 * running the emulated conformance kit with no report (without its order check, which the plain
 * runs make). A sanitized library loads only into a JVM
 * started with {@code libasan} preloaded, so each case runs in a JVM of its own ({@link
 * SanitizedRun}).
 */
@ExtendWith(EmulatedProvider.class)
class EmulatorSanitizerTest {
  static Path library;
  static Path libasan;

  @BeforeAll
  static void build() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("g++", "-print-file-name=libasan.so").redirectErrorStream(true).start();
    String path = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor(30, TimeUnit.SECONDS);
    libasan = Path.of(path);
    assertTrue(libasan.isAbsolute() && Files.exists(libasan),
        "g++ has no AddressSanitizer runtime (g++ -print-file-name=libasan.so gave '" + path + "')");
    library = EmulatedDevice.build(true);
  }

  record Run(int code, String output) {}

  static Run run(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:TieredStopAtLevel=1", "-D" + EmulatedDevice.LIBRARY + "=" + library,
        "-D" + EmulatedDevice.NO_ORDER_CHECK + "=true",
        "-cp", System.getProperty("java.class.path"), SanitizedRun.class.getName()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LD_PRELOAD", libasan.toString());
    // the JVM's own signals and its never-freed allocations are not the kernels' faults
    pb.environment().put("ASAN_OPTIONS", "detect_leaks=0:handle_segv=0:allow_user_segv_handler=1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(600, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the sanitized JVM did not end:\n" + out);
    }
    return new Run(p.exitValue(), out);
  }

  @Test
  void aWriteOnePastTheEndOfGlobalMemoryIsReported() throws Exception {
    Run r = run("launch", "eq_test_global_out_of_bounds", "8", "0", "7");
    assertNotEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("ERROR: AddressSanitizer: heap-buffer-overflow") && r.output().contains("WRITE of size 4"),
        r.output());
    assertTrue(r.output().contains("eq_test_global_out_of_bounds"), r.output());
  }

  @Test
  void aReadPastDynamicSharedMemoryIsReported() throws Exception {
    Run r = run("launch", "eq_test_shared_out_of_bounds", "8", "32", "8");
    assertNotEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("ERROR: AddressSanitizer: heap-buffer-overflow") && r.output().contains("READ of size 4"),
        r.output());
    assertTrue(r.output().contains("eq_test_shared_out_of_bounds"), r.output());
  }

  @Test
  void anIndexPastAStaticSharedArrayIsReported() throws Exception {
    Run r = run("launch", "eq_test_static_shared_out_of_bounds", "33", "0", "33");
    assertNotEquals(0, r.code(), r.output());
    assertTrue(r.output().contains("runtime error: index 32 out of bounds for type 'float [32]'"), r.output());
  }

  @Test
  void aCorrectKernelPassesAndTheKitRunsWithNoReport() throws Exception {
    Run ok = run("launch", "eq_test_shared_before_write", "8", "32", "8");
    assertEquals(0, ok.code(), ok.output());
    assertTrue(ok.output().contains("no report"), ok.output());
    Run kit = run("kit", EmulatedConformanceTest.class.getName());
    assertEquals(0, kit.code(), kit.output());
    assertTrue(!kit.output().contains("Sanitizer"), kit.output());
  }
}
