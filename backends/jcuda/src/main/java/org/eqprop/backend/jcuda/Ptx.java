package org.eqprop.backend.jcuda;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The kernels' PTX, a resource generated from {@code src/main/cuda/eqprop_kernels.cu} by {@code
 * compile-ptx.sh}, whose header names the source's hash and the driver the PTX needs.
 */
final class Ptx {
  /** The resource's name beside this class. */
  static final String RESOURCE = "eqprop_kernels.ptx";
  private static final String REQUIRES = "// eqprop: requires ";

  private static volatile String text;

  private Ptx() {}

  /** The PTX text. */
  static String text() {
    String t = text;
    if (t == null) {
      try (InputStream in = Ptx.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the jcuda jar lacks its kernels (" + RESOURCE + ")");
        }
        t = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + RESOURCE, e);
      }
      text = t;
    }
    return t;
  }

  /** The PTX as the driver takes it: ASCII, terminated by a zero byte. */
  static byte[] bytes() {
    byte[] b = text().getBytes(StandardCharsets.US_ASCII);
    return Arrays.copyOf(b, b.length + 1);
  }

  /** What the PTX needs, e.g. {@code it requires a CUDA 13.0 driver (R580) or newer and ...}. */
  static String requirement() {
    for (String line : text().split("\n", 8)) {
      if (line.startsWith(REQUIRES)) {
        return "it requires " + line.substring(REQUIRES.length()).strip();
      }
    }
    return "its header names no requirement";
  }
}
