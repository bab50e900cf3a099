package org.eqprop.runner.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link RunConfig} from, in increasing precedence: the defaults, a preset, a YAML file,
 * {@code --set key=value} overrides and the command-line flags. Each source is checked for unknown
 * keys on its own, so an error names where the key came from; the merged result is bound to the
 * typed records and range-checked. Every problem is a {@link ConfigException} with one line.
 */
public final class ConfigLoader {
  /** The presets shipped with eqprop. */
  public static final List<String> PRESETS = List.of("paper-1h", "paper-2h", "paper-3h", "adam-1h", "adam-wide", "deep-3h",
      "conv-mnist", "conv-cifar10");

  private static final String RESOURCES = "/org/eqprop/runner/presets/";

  private final ObjectMapper yaml;
  private final ConfigSchema schema = ConfigSchema.of(RunConfig.class);

  /** A loader with eqprop's YAML settings (kebab-case keys, strict numbers). */
  public ConfigLoader() {
    yaml =
        new ObjectMapper(
                new YAMLFactory()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
  }

  /**
   * Loads and merges a configuration.
   *
   * @param preset a name from {@link #PRESETS}, or null
   * @param file a YAML file, or null
   * @param sets {@code key=value} overrides with dotted keys; values are YAML ({@code [784,500,10]})
   * @param flags dotted keys set by command-line flags (highest precedence)
   */
  public RunConfig load(String preset, Path file, List<String> sets, Map<String, Object> flags) {
    return bind(merged(preset, file, sets, flags));
  }

  /**
   * Loads a configuration with {@code values} (dotted keys, values as YAML gives them: numbers,
   * strings, lists) over the defaults, a preset and a file; each key is checked, and an unknown one
   * is an error that names {@code source}.
   */
  public RunConfig load(String preset, Path file, Map<String, Object> values, String source) {
    ObjectNode tree = merged(preset, file, List.of(), Map.of());
    for (Map.Entry<String, Object> e : values.entrySet()) {
      merge(tree, checked(at(e.getKey(), yaml.valueToTree(e.getValue())), source));
    }
    return bind(tree);
  }

  /** Throws a {@link ConfigException} naming {@code source} when {@code key} is no configuration key. */
  public void requireKey(String key, String source) {
    checked(at(key, JsonNodeFactory.instance.nullNode()), source);
  }

  /** The merged configuration tree, before binding. */
  public ObjectNode merged(String preset, Path file, List<String> sets, Map<String, Object> flags) {
    ObjectNode tree = resource("defaults.yaml", "the defaults");
    if (preset != null) {
      if (!PRESETS.contains(preset)) {
        throw new ConfigException(
            "unknown preset '" + preset + "'"
                + Suggest.hint(preset, PRESETS)
                + "; presets: " + String.join(", ", PRESETS));
      }
      merge(tree, checked(resource(preset + ".yaml", "preset " + preset), "preset " + preset));
    }
    if (file != null) {
      merge(tree, checked(readFile(file), "config file " + file));
    }
    for (String set : sets) {
      merge(tree, checked(parseSet(set), "--set " + set));
    }
    applyFlags(tree, flags);
    return tree;
  }

  /** Binds a merged tree to the records and checks every range. */
  public RunConfig bind(ObjectNode tree) {
    RunConfig config;
    try {
      config = yaml.treeToValue(tree, RunConfig.class);
    } catch (MismatchedInputException e) {
      throw typeError(e);
    } catch (JsonProcessingException e) {
      throw new ConfigException("invalid configuration: " + firstLine(e.getOriginalMessage()));
    }
    ConfigValidator.validate(config);
    return config;
  }

  /** The configuration as a tree of maps, lists and scalars with its YAML keys, for plug-ins. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> toTree(RunConfig config) {
    return yaml.convertValue(config, Map.class);
  }

  /** The configuration as YAML, in the form a {@code --config} file takes. */
  public String toYaml(RunConfig config) {
    try {
      return yaml.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write configuration", e);
    }
  }

  /**
   * Reads a configuration written by {@link #toYaml} (a checkpoint's), with command-line flags
   * over it.
   *
   * @param yaml the configuration text
   * @param source names it in error messages, e.g. {@code the configuration in checkpoint X}
   * @param flags dotted keys set by command-line flags
   */
  public RunConfig fromYaml(String yaml, String source, Map<String, Object> flags) {
    ObjectNode tree = resource("defaults.yaml", "the defaults");
    try {
      JsonNode node = this.yaml.readTree(yaml);
      merge(tree, checked(asObject(node == null ? JsonNodeFactory.instance.objectNode() : node, source), source));
    } catch (JsonProcessingException e) {
      throw new ConfigException(source + " is not valid YAML: " + firstLine(e.getOriginalMessage()));
    }
    applyFlags(tree, flags);
    return bind(tree);
  }

  private void applyFlags(ObjectNode tree, Map<String, Object> flags) {
    for (Map.Entry<String, Object> flag : flags.entrySet()) {
      if (flag.getValue() != null) {
        merge(tree, at(flag.getKey(), yaml.valueToTree(flag.getValue())));
      }
    }
  }

  /** The YAML text of a preset, for documentation and {@code --help}. */
  public String presetText(String preset) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(RESOURCES + preset + ".yaml")) {
      if (in == null) {
        throw new ConfigException("unknown preset '" + preset + "'");
      }
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode resource(String name, String what) {
    try (InputStream in = ConfigLoader.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCES + name);
      }
      return asObject(yaml.readTree(in), what);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + what, e);
    }
  }

  private ObjectNode readFile(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " not found");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new ConfigException("config file " + file + " is not UTF-8 text (is it a YAML file?)");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": "
          + org.eqprop.runner.run.IoErrors.reason(e));
    }
    requireNoTabIndent(text, "config file " + file);
    try {
      JsonNode node = yaml.readTree(text);
      if (node == null || node.isMissingNode() || node.isNull()) {
        return JsonNodeFactory.instance.objectNode();
      }
      return asObject(node, "config file " + file);
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ConfigException(
          "config file " + file + (notANumber(e.getOriginalMessage()) != null
              ? where + ": " + notANumber(e.getOriginalMessage())
              : " is not valid YAML" + where + ": " + firstLine(e.getOriginalMessage())));
    }
  }

  /** YAML indents with spaces: a tab there is named, with its line, before the parser's own message. */
  private static void requireNoTabIndent(String text, String source) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int j = 0;
      while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t')) {
        if (line.charAt(j) == '\t') {
          throw new ConfigException(source + " has a tab at line " + (i + 1) + ", column " + (j + 1)
              + ": YAML indents with spaces only");
        }
        j++;
      }
    }
  }

  /** A YAML number eqprop cannot take ({@code .nan}, {@code .inf}), named as such. */
  private static String notANumber(String message) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("Malformed numeric value '([-+]?\\.(?:nan|NaN|NAN|inf|Inf|INF))'")
        .matcher(message == null ? "" : message);
    return m.find() ? m.group(1) + " is not a number eqprop takes: every number must be finite" : null;
  }

  private ObjectNode parseSet(String set) {
    int eq = set.indexOf('=');
    if (eq <= 0) {
      throw new ConfigException("--set expects key=value, got '" + set + "'");
    }
    String key = set.substring(0, eq).trim();
    String text = set.substring(eq + 1).trim();
    JsonNode value;
    try {
      value = text.isEmpty() ? JsonNodeFactory.instance.textNode("") : yaml.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ConfigException("--set " + set + ": the value is not valid YAML: " + firstLine(e.getOriginalMessage()));
    }
    if (value == null || value.isMissingNode()) {
      value = JsonNodeFactory.instance.textNode(text);
    }
    return at(key, value);
  }

  private static ObjectNode at(String dottedKey, JsonNode value) {
    String[] parts = dottedKey.split("\\.", -1);
    for (String p : parts) {
      if (p.isEmpty()) {
        throw new ConfigException("invalid config key '" + dottedKey + "'");
      }
    }
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.putObject(parts[i]);
    }
    node.set(parts[parts.length - 1], value);
    return root;
  }

  private ObjectNode checked(ObjectNode tree, String source) {
    schema.check(tree, source);
    return tree;
  }

  private static ObjectNode asObject(JsonNode node, String what) {
    if (!node.isObject()) {
      throw new ConfigException(what + ": expected a mapping of keys at the top level");
    }
    return (ObjectNode) node;
  }

  /** Deep merge: mappings merge key by key, everything else (lists too) is replaced. */
  static void merge(ObjectNode base, ObjectNode override) {
    Iterator<Map.Entry<String, JsonNode>> it = override.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode old = base.get(e.getKey());
      if (old instanceof ObjectNode o && e.getValue() instanceof ObjectNode n) {
        merge(o, n);
      } else {
        base.set(e.getKey(), e.getValue().deepCopy());
      }
    }
  }

  private ConfigException typeError(MismatchedInputException e) {
    List<String> path = new ArrayList<>();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        path.add(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        path.add("[" + r.getIndex() + "]");
      }
    }
    String key = String.join(".", path).replace(".[", "[");
    String expected = describe(e.getTargetType());
    String got = "";
    if (e instanceof InvalidFormatException f) {
      got = ", got '" + f.getValue() + "'";
    } else if (e.getOriginalMessage() != null && e.getOriginalMessage().contains("null")) {
      got = ", got no value";
    }
    return new ConfigException("config key '" + key + "' must be " + expected + got);
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == double.class || type == Double.class || type == float.class) {
      return "a number";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    return "a " + type.getSimpleName();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
