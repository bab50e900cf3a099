package org.eqprop.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eqprop.runner.config.ConfigException;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.config.Suggest;

/**
 * A sweep file: a base configuration (a preset or a config file), fixed overrides, and the runs,
 * either the product of {@code axes} or an explicit {@code runs} list. Every configuration key is
 * checked; every problem is a {@link ConfigException} of one line naming the file.
 *
 * <pre>
 * base: paper-1h              # a preset, or a config file (relative to this file)
 * set:                        # overrides for every run (optional)
 *   training.epochs: 5
 * axes:                       # every combination of these values is a run
 *   training.seed: [1, 2, 3, 4, 5]
 * data: ../data/mnist         # optional: the data directory every run reads
 * backend: ejml               # optional
 * </pre>
 *
 * @param file where it was read
 * @param preset the base preset, or null
 * @param config the base config file, or null
 * @param set overrides for every run, by dotted key
 * @param axes the axes' keys in the file's order (for an explicit list: every key it sets)
 * @param runs each run's values, by dotted key
 * @param data the data directory, or null for the bundled MNIST
 * @param backend the backend's name, or null for the configuration's choice
 */
public record SweepFile(Path file, String preset, Path config, Map<String, Object> set, List<String> axes,
    List<Map<String, Object>> runs, Path data, String backend) {

  /** The keys a sweep file may have at its top level. */
  public static final List<String> KEYS = List.of("base", "set", "axes", "runs", "data", "backend");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Reads and checks {@code file}; {@code loader} checks the configuration keys. */
  public static SweepFile read(Path file, ConfigLoader loader) {
    String where = "sweep file " + file;
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ConfigException(where + " not found");
    } catch (JsonProcessingException e) {
      throw new ConfigException(where + " is not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new ConfigException(where + " cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException(where + ": expected a mapping of keys at the top level (" + String.join(", ", KEYS) + ")");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new ConfigException("unknown key '" + key + "' in " + where + Suggest.hint(key, KEYS)
            + "; keys: " + String.join(", ", KEYS));
      }
    }
    Path dir = file.toAbsolutePath().getParent();
    String preset = "paper-1h";
    Path config = null;
    JsonNode base = root.get("base");
    if (base != null) {
      String text = scalar(base, where, "base");
      if (text.endsWith(".yaml") || text.endsWith(".yml") || text.contains("/")) {
        config = dir.resolve(text).normalize();
        if (!Files.isRegularFile(config)) {
          throw new ConfigException(where + ": base config file " + config + " not found");
        }
        preset = null;
      } else if (!ConfigLoader.PRESETS.contains(text)) {
        throw new ConfigException(where + ": unknown preset '" + text + "'" + Suggest.hint(text, ConfigLoader.PRESETS)
            + "; presets: " + String.join(", ", ConfigLoader.PRESETS));
      } else {
        preset = text;
      }
    }
    Map<String, Object> set = values(root.get("set"), where + ", set", loader);
    JsonNode axesNode = root.get("axes");
    JsonNode runsNode = root.get("runs");
    if (axesNode != null && runsNode != null) {
      throw new ConfigException(where + ": give axes (every combination of their values) or runs (a list), not both");
    }
    if (axesNode == null && runsNode == null) {
      throw new ConfigException(where + ": no runs: give axes (every combination of their values) or runs (a list)");
    }
    List<String> axes = new ArrayList<>();
    List<Map<String, Object>> runs;
    if (axesNode != null) {
      runs = product(axesNode, where, loader, axes);
    } else {
      runs = list(runsNode, where, loader, axes);
    }
    Path data = root.has("data") ? dir.resolve(scalar(root.get("data"), where, "data")).normalize() : null;
    String backend = root.has("backend") ? scalar(root.get("backend"), where, "backend") : null;
    return new SweepFile(file, preset, config, set, List.copyOf(axes), List.copyOf(runs), data, backend);
  }

  private static String scalar(JsonNode node, String where, String key) {
    if (!node.isValueNode() || node.isNull() || node.asText().isBlank()) {
      throw new ConfigException(where + ": " + key + " must be a single value, got " + node);
    }
    return node.asText();
  }

  private static Map<String, Object> values(JsonNode node, String source, ConfigLoader loader) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (!node.isObject()) {
      throw new ConfigException(source + ": expected a mapping of configuration keys to values, got " + node);
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      loader.requireKey(e.getKey(), source);
      out.put(e.getKey(), YAML.convertValue(e.getValue(), Object.class));
    }
    return out;
  }

  private static List<Map<String, Object>> product(JsonNode axesNode, String where, ConfigLoader loader,
      List<String> axes) {
    if (!axesNode.isObject() || axesNode.isEmpty()) {
      throw new ConfigException(where + ": axes must map configuration keys to lists of values, got " + axesNode);
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    runs.add(new LinkedHashMap<>());
    for (Iterator<Map.Entry<String, JsonNode>> it = axesNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> axis = it.next();
      String key = axis.getKey();
      loader.requireKey(key, where + ", axes");
      if (!axis.getValue().isArray()) {
        throw new ConfigException(where + ": axis '" + key + "' must be a list of values, got " + axis.getValue());
      }
      if (axis.getValue().isEmpty()) {
        throw new ConfigException(where + ": axis '" + key + "' has no values");
      }
      axes.add(key);
      List<Map<String, Object>> next = new ArrayList<>();
      for (Map<String, Object> run : runs) {
        for (JsonNode value : axis.getValue()) {
          Map<String, Object> r = new LinkedHashMap<>(run);
          r.put(key, YAML.convertValue(value, Object.class));
          next.add(r);
        }
      }
      runs = next;
    }
    return runs;
  }

  private static List<Map<String, Object>> list(JsonNode runsNode, String where, ConfigLoader loader,
      List<String> axes) {
    if (!runsNode.isArray() || runsNode.isEmpty()) {
      throw new ConfigException(where + ": runs must be a non-empty list of mappings of configuration keys, got "
          + runsNode);
    }
    List<Map<String, Object>> runs = new ArrayList<>();
    int i = 1;
    for (JsonNode run : runsNode) {
      Map<String, Object> values = values(run, where + ", run " + i, loader);
      for (String key : values.keySet()) {
        if (!axes.contains(key)) {
          axes.add(key);
        }
      }
      runs.add(values);
      i++;
    }
    return runs;
  }
}
