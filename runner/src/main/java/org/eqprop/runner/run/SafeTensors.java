package org.eqprop.runner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.runner.EqpropException;

/**
 * Named float32 tensors in the safetensors layout, readable from Python ({@code
 * safetensors.numpy.load_file}): an 8-byte little-endian header length, a JSON header mapping each
 * name to {@code {"dtype": "F32", "shape": [rows, cols], "data_offsets": [begin, end]}} plus a
 * {@code __metadata__} map of strings, then the raw little-endian float32 data. eqprop adds the
 * metadata key {@code checksum}: the CRC-32C of the data section, as 8 hex digits.
 */
public final class SafeTensors {
  /** The metadata key holding the CRC-32C of the data section. */
  public static final String CHECKSUM = "checksum";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /** A tensor as stored: its shape and values. */
  public record Stored(int rows, int cols, float[] values) {}

  /** A file's metadata and tensors. */
  public record Contents(Map<String, String> metadata, Map<String, Stored> tensors) {}

  /** Writes {@code tensors} (in map order) and {@code metadata} atomically to {@code file}. */
  public static void write(Path file, Map<String, Tensor> tensors, Backend backend, Map<String, String> metadata)
      throws IOException {
    long total = 0;
    for (Tensor t : tensors.values()) {
      total += 4L * t.size();
    }
    ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(total)).order(ByteOrder.LITTLE_ENDIAN);
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      Tensor t = e.getValue();
      ObjectNode entry = header.putObject(e.getKey());
      entry.put("dtype", "F32");
      entry.putArray("shape").add(t.rows()).add(t.cols());
      entry.putArray("data_offsets").add(data.position()).add(data.position() + 4L * t.size());
      data.asFloatBuffer().put(backend.toHost(t));
      data.position(data.position() + 4 * (int) t.size());
    }
    data.flip();
    CRC32C crc = new CRC32C();
    crc.update(data.duplicate());
    meta.put(CHECKSUM, String.format("%08x", crc.getValue()));
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    AtomicFiles.write(file, head, data);
  }

  /**
   * Reads {@code file}; a missing, truncated, corrupt or malformed file is a usage error naming it
   * as {@code what} (e.g. {@code checkpoint}).
   */
  public static Contents read(Path file, String what) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw EqpropException.usage(what + " " + file + " not found");
    } catch (IOException e) {
      throw EqpropException.usage("cannot read " + what + " " + file + ": " + e.getMessage());
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw bad(file, what, "it is shorter than its 8-byte header length (truncated?)");
    }
    long headerLength = buf.getLong();
    if (headerLength < 2 || headerLength > bytes.length - 8) {
      throw bad(file, what, "it is not a safetensors file, or it is truncated (header length " + headerLength
          + ", file size " + bytes.length + ")");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw bad(file, what, "its header is not valid JSON");
    }
    if (header == null || !header.isObject()) {
      throw bad(file, what, "its header is not a JSON object");
    }
    int dataStart = 8 + (int) headerLength;
    Map<String, String> metadata = new LinkedHashMap<>();
    header.path("__metadata__").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
    Map<String, Stored> tensors = new LinkedHashMap<>();
    long end = 0;
    Iterator<Map.Entry<String, JsonNode>> it = header.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = e.getValue();
      if (!"F32".equals(t.path("dtype").asText()) || t.path("shape").size() != 2 || t.path("data_offsets").size() != 2) {
        throw bad(file, what, "tensor " + e.getKey() + " is not a 2-D F32 tensor");
      }
      int rows = t.path("shape").get(0).asInt(-1);
      int cols = t.path("shape").get(1).asInt(-1);
      long from = t.path("data_offsets").get(0).asLong(-1);
      long to = t.path("data_offsets").get(1).asLong(-1);
      if (rows < 0 || cols < 0 || from < 0 || to - from != 4L * rows * cols) {
        throw bad(file, what, "tensor " + e.getKey() + " has inconsistent shape and offsets");
      }
      if (dataStart + to > bytes.length) {
        throw bad(file, what, "it is truncated: tensor " + e.getKey() + " ends at byte " + (dataStart + to)
            + " of a " + bytes.length + "-byte file");
      }
      float[] values = new float[rows * cols];
      ByteBuffer.wrap(bytes, dataStart + (int) from, (int) (to - from)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      tensors.put(e.getKey(), new Stored(rows, cols, values));
      end = Math.max(end, to);
    }
    String expected = metadata.get(CHECKSUM);
    if (expected != null) {
      CRC32C crc = new CRC32C();
      crc.update(bytes, dataStart, bytes.length - dataStart);
      String actual = String.format("%08x", crc.getValue());
      if (!actual.equals(expected)) {
        throw bad(file, what, "its checksum does not match (stored " + expected + ", computed " + actual + "): the file is corrupt");
      }
    }
    return new Contents(metadata, tensors);
  }

  /** Copies stored tensors into {@code targets}: every target must be present with its exact shape. */
  public static void restore(Path file, String what, Contents contents, Map<String, Tensor> targets, Backend backend) {
    for (Map.Entry<String, Tensor> e : targets.entrySet()) {
      Stored s = contents.tensors().get(e.getKey());
      Tensor t = e.getValue();
      if (s == null) {
        throw bad(file, what, "it has no tensor named " + e.getKey() + " (it has "
            + new java.util.TreeSet<>(contents.tensors().keySet()) + ")");
      }
      if (s.rows() != t.rows() || s.cols() != t.cols()) {
        throw bad(file, what, "tensor " + e.getKey() + " is " + s.rows() + "x" + s.cols() + " but the model's is " + t.shape());
      }
    }
    for (Map.Entry<String, Tensor> e : targets.entrySet()) {
      backend.upload(contents.tensors().get(e.getKey()).values(), e.getValue());
    }
  }

  private static EqpropException bad(Path file, String what, String problem) {
    return EqpropException.usage(what + " " + file + " cannot be used: " + problem);
  }
}
