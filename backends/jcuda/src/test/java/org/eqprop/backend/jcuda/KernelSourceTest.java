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

  /** {@code NAME = code} pairs of the C enum {@code type} in the kernel source, in source order. */
  static Map<String, Integer> cEnum(String source, String type, String prefix) {
    Matcher body = Pattern.compile("enum " + type + " \\{([^}]*)\\}").matcher(source);
    assertTrue(body.find(), "enum " + type + " in eqprop_kernels.cu");
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    Matcher item = Pattern.compile(prefix + "(\\w+)\\s*=\\s*(\\d+)").matcher(body.group(1));
    while (item.find()) {
      out.put(item.group(1), Integer.parseInt(item.group(2)));
    }
    return out;
  }

  /** The element-wise kernels' opcodes are named alike, with the same codes, in Java and in the kernel source. */
  @Test
  void theElementwiseOpcodesMirrorTheKernelSource() throws Exception {
    String source = Files.readString(Path.of("src/main/cuda/eqprop_kernels.cu"));
    Map<String, Integer> binary = new java.util.LinkedHashMap<>();
    for (BinaryOp op : BinaryOp.values()) {
      binary.put(op.name(), op.code());
    }
    assertEquals(binary, cEnum(source, "EqBinaryOp", "EQ_BINARY_"));
    Map<String, Integer> unary = new java.util.LinkedHashMap<>();
    for (UnaryOp op : UnaryOp.values()) {
      unary.put(op.name(), op.code());
    }
    assertEquals(unary, cEnum(source, "EqUnaryOp", "EQ_UNARY_"));
    // a mirror that drifted is caught: a swapped pair reads differently
    String swapped = source.replace("EQ_BINARY_SUB = 1, EQ_BINARY_MUL = 2", "EQ_BINARY_SUB = 2, EQ_BINARY_MUL = 1");
    org.junit.jupiter.api.Assertions.assertNotEquals(binary, cEnum(swapped, "EqBinaryOp", "EQ_BINARY_"));
  }
}
