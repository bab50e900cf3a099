package org.eqprop.runner.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The set of valid configuration keys, derived from the {@link RunConfig} records so the check can
 * never drift from the types: a record is a section, a {@link Map} component an open section
 * (backend and model options), anything else a leaf.
 */
final class ConfigSchema {
  private final Map<String, ConfigSchema> children; // null for a leaf
  private final boolean open;

  private ConfigSchema(Map<String, ConfigSchema> children, boolean open) {
    this.children = children;
    this.open = open;
  }

  static ConfigSchema of(Class<?> type) {
    if (type.isRecord()) {
      Map<String, ConfigSchema> children = new LinkedHashMap<>();
      for (RecordComponent c : type.getRecordComponents()) {
        children.put(kebab(c.getName()), of(c.getType()));
      }
      return new ConfigSchema(children, false);
    }
    if (Map.class.isAssignableFrom(type)) {
      return new ConfigSchema(Map.of(), true);
    }
    return new ConfigSchema(null, false);
  }

  static String kebab(String camel) {
    return PropertyNamingStrategies.KebabCaseStrategy.INSTANCE.translate(camel);
  }

  /** Every leaf and open-section key, dotted. */
  List<String> keys() {
    List<String> out = new ArrayList<>();
    collect("", out);
    return out;
  }

  private void collect(String prefix, List<String> out) {
    if (children == null || open) {
      out.add(prefix);
      return;
    }
    for (Map.Entry<String, ConfigSchema> e : children.entrySet()) {
      e.getValue().collect(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), out);
    }
  }

  /** Throws a {@link ConfigException} naming {@code source} for the first unknown key in {@code tree}. */
  void check(JsonNode tree, String source) {
    check(tree, "", source, keys());
  }

  private static String firstLeaf(JsonNode node) {
    StringBuilder path = new StringBuilder();
    while (node.isObject() && node.size() > 0) {
      Map.Entry<String, JsonNode> first = node.fields().next();
      path.append('.').append(first.getKey());
      node = first.getValue();
    }
    return path.toString();
  }

  private void check(JsonNode node, String prefix, String source, List<String> all) {
    if (children == null || open || !node.isObject()) {
      return; // leaves and open sections take anything; type errors are found when binding
    }
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      ConfigSchema child = children.get(e.getKey());
      if (child == null) {
        key += firstLeaf(e.getValue()); // 'trainer.epochs', not just 'trainer', so the suggestion can match
        String hint =
            Suggest.closest(key, all)
                .map(s -> " (did you mean '" + s + "'?)")
                .orElse(
                    prefix.isEmpty()
                        ? " (sections: " + String.join(", ", children.keySet()) + ")"
                        : " (keys under " + prefix + ": " + String.join(", ", children.keySet()) + ")");
        throw new ConfigException("unknown config key '" + key + "' in " + source + hint);
      }
      child.check(e.getValue(), key, source, all);
    }
  }
}
