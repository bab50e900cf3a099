package org.eqprop.runner.train;

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
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;

/**
 * Model parameters in the safetensors layout, readable from Python ({@code
 * safetensors.numpy.load_file}): an 8-byte little-endian header length, a JSON header mapping each
 * parameter name to {@code {"dtype": "F32", "shape": [rows, cols], "data_offsets": [begin, end]}}
 * (plus {@code __metadata__}), then the raw little-endian float32 data.
 */
public final class SafeTensors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SafeTensors() {}

  /** Writes {@code parameters} atomically to {@code file}. */
  public static void write(Path file, List<Parameter> parameters, Backend backend, Map<String, String> metadata)
      throws IOException {
    ObjectNode header = JSON.createObjectNode();
    ObjectNode meta = header.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Parameter p : parameters) {
      ObjectNode entry = header.putObject(p.name());
      entry.put("dtype", "F32");
      entry.putArray("shape").add(p.value().rows()).add(p.value().cols());
      long bytes = 4L * p.value().size();
      entry.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8; // the format pads the header with spaces to 8 bytes
    ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    head.putLong(padded).put(json);
    while (head.hasRemaining()) {
      head.put((byte) ' ');
    }
    head.flip();
    ByteBuffer data = ByteBuffer.allocate(Math.toIntExact(offset)).order(ByteOrder.LITTLE_ENDIAN);
    for (Parameter p : parameters) {
      data.asFloatBuffer().put(backend.toHost(p.value()));
      data.position(data.position() + 4 * (int) p.value().size());
    }
    data.flip();
    AtomicFiles.write(file, head, data);
  }

  /** One stored tensor. */
  public record Stored(int rows, int cols, float[] values) {}

  /** Reads every tensor of {@code file}; a missing, truncated or malformed file is a usage error naming it. */
  public static Map<String, Stored> read(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw EqpropException.usage("parameter file " + file + " not found");
    } catch (IOException e) {
      throw EqpropException.usage("cannot read parameter file " + file + ": " + e.getMessage());
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 8) {
      throw bad(file, "shorter than its 8-byte header length");
    }
    long headerLength = buf.getLong();
    if (headerLength < 2 || headerLength > bytes.length - 8) {
      throw bad(file, "header length " + headerLength + " does not fit a file of " + bytes.length + " bytes");
    }
    JsonNode header;
    try {
      header = JSON.readTree(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw bad(file, "header is not valid JSON");
    }
    if (header == null || !header.isObject()) {
      throw bad(file, "header is not a JSON object");
    }
    int dataStart = 8 + (int) headerLength;
    Map<String, Stored> out = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = header.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = e.getValue();
      if (!"F32".equals(t.path("dtype").asText()) || t.path("shape").size() != 2 || t.path("data_offsets").size() != 2) {
        throw bad(file, "tensor " + e.getKey() + " is not a 2-D F32 tensor");
      }
      int rows = t.path("shape").get(0).asInt(-1);
      int cols = t.path("shape").get(1).asInt(-1);
      long begin = t.path("data_offsets").get(0).asLong(-1);
      long end = t.path("data_offsets").get(1).asLong(-1);
      if (rows < 0 || cols < 0 || begin < 0 || end - begin != 4L * rows * cols || dataStart + end > bytes.length) {
        throw bad(file, "tensor " + e.getKey() + " has inconsistent shape and offsets (file truncated?)");
      }
      float[] values = new float[rows * cols];
      ByteBuffer.wrap(bytes, dataStart + (int) begin, (int) (end - begin)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
      out.put(e.getKey(), new Stored(rows, cols, values));
    }
    return out;
  }

  /** Reads {@code file} into {@code parameters}: every parameter must be present with its exact shape. */
  public static void load(Path file, List<Parameter> parameters, Backend backend) {
    Map<String, Stored> stored = read(file);
    for (Parameter p : parameters) {
      Stored s = stored.get(p.name());
      if (s == null) {
        throw bad(file, "has no tensor named " + p.name() + " (has " + new java.util.TreeSet<>(stored.keySet()) + ")");
      }
      if (s.rows() != p.value().rows() || s.cols() != p.value().cols()) {
        throw bad(file, "tensor " + p.name() + " is " + s.rows() + "x" + s.cols() + " but the model's is " + p.value().shape());
      }
      backend.upload(s.values(), p.value());
    }
  }

  private static EqpropException bad(Path file, String problem) {
    return EqpropException.usage("parameter file " + file + ": " + problem);
  }
}
