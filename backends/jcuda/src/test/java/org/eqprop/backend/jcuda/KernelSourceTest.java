package org.eqprop.backend.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The PTX resource against its source and against the Java side: generated from the current
 * {@code eqprop_kernels.cu}, declaring every kernel the backend launches with the parameter types
 * the backend passes, and naming the driver it needs.
 */
class KernelSourceTest {
  private static final Pattern ENTRY = Pattern.compile("\\.visible \\.entry (\\w+)\\(([^)]*)\\)");
  private static final Pattern PARAM = Pattern.compile("\\.param (?:\\.align \\d+ )?\\.(\\w+) \\w+?(\\[\\d+\\])?\\s*$");

  private static Map<String, String> entries() {
    Map<String, String> out = new HashMap<>();
    Matcher m = ENTRY.matcher(Ptx.text());
    while (m.find()) {
      StringBuilder types = new StringBuilder();
      for (String p : m.group(2).split(",")) {
        Matcher pm = PARAM.matcher(p.strip());
        assertTrue(pm.find(), "unreadable parameter '" + p.strip() + "' of " + m.group(1));
        types.append(types.length() == 0 ? "" : " ").append(pm.group(1)).append(pm.group(2) == null ? "" : pm.group(2));
      }
      out.put(m.group(1), types.toString());
    }
    return out;
  }

  @Test
  void thePtxIsGeneratedFromTheCurrentSource() throws Exception {
    byte[] source = Files.readAllBytes(Path.of("src/main/cuda/eqprop_kernels.cu"));
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(source));
    assertTrue(Ptx.text().contains("// eqprop: source-sha256 " + sha + "\n"),
        "eqprop_kernels.ptx is stale: run backends/jcuda/src/main/cuda/compile-ptx.sh");
  }

  @Test
  void everyKernelTheBackendLaunchesIsInThePtxWithItsParameters() {
    Map<String, String> entries = entries();
    assertEquals(Kernel.values().length, entries.size(), "entries in the PTX: " + entries.keySet());
    for (Kernel k : Kernel.values()) {
      assertEquals(k.params, entries.get(k.entry), "parameters of " + k.entry);
    }
    assertTrue(Kernel.CHAIN_RELAX.params.startsWith("b8[" + JcudaRelaxation.CHAIN_BYTES + "] "));
  }

  @Test
  void thePtxNamesTheDriverItNeeds() {
    assertEquals("it requires a CUDA 13.0 driver (R580) or newer and a GPU of compute capability 8.0 or newer",
        Ptx.requirement());
    assertTrue(Ptx.text().contains("\n.target sm_80\n"));
  }

  @Test
  void launchesWithOtherParameterTypesAreRefused() {
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> Kernel.SUM_ROWS.check(new KernelArgs().ptr(1).i32(2).i32(3)));
    assertEquals("kernel eq_sum_rows takes (u64 u64 u32 u32), launched with (u64 u32 u32)", e.getMessage());
  }
}
