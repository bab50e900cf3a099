package org.eqprop.api.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run's resolved configuration as a read-only tree, for plug-ins: dotted keys in the form the
 * YAML takes ({@code dynamics.eps}, {@code optimizer.learning-rates}, {@code
 * learner.options.my-key}). A wrong type is an {@link IllegalArgumentException} naming the key,
 * which the runner reports as a configuration error.
 */
public final class Settings {
  private final Map<String, Object> tree;

  private Settings(Map<String, Object> tree) {
    this.tree = tree;
  }

  /** A view of {@code tree} (nested maps, lists and scalars, as YAML reads them). */
  public static Settings of(Map<String, Object> tree) {
    return new Settings(Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(tree, "tree"))));
  }

  /** Whether {@code key} is present with a non-null value. */
  public boolean has(String key) {
    return find(key) != null;
  }

  private Object find(String key) {
    Object node = tree;
    for (String part : key.split("\\.")) {
      if (!(node instanceof Map<?, ?> m)) {
        return null;
      }
      node = m.get(part);
    }
    return node;
  }

  private Object require(String key) {
    Object v = find(key);
    if (v == null) {
      throw new IllegalArgumentException("config key '" + key + "' is missing");
    }
    return v;
  }

  /** A number. */
  public double number(String key) {
    if (require(key) instanceof Number n) {
      return n.doubleValue();
    }
    throw new IllegalArgumentException("config key '" + key + "' must be a number, got " + find(key));
  }

  /** An integer. */
  public int integer(String key) {
    Object v = require(key);
    if (v instanceof Integer || v instanceof Long || v instanceof Short) {
      return Math.toIntExact(((Number) v).longValue());
    }
    throw new IllegalArgumentException("config key '" + key + "' must be an integer, got " + v);
  }

  /** An integer, or {@code fallback} where the key is missing or null. */
  public int integer(String key, int fallback) {
    return has(key) ? integer(key) : fallback;
  }

  /** {@code true} or {@code false}. */
  public boolean flag(String key) {
    if (require(key) instanceof Boolean b) {
      return b;
    }
    throw new IllegalArgumentException("config key '" + key + "' must be true or false, got " + find(key));
  }

  /** A string. */
  public String text(String key) {
    if (require(key) instanceof String s) {
      return s;
    }
    throw new IllegalArgumentException("config key '" + key + "' must be a string, got " + find(key));
  }

  /** A list of numbers. */
  public List<Double> numbers(String key) {
    if (!(require(key) instanceof List<?> list)) {
      throw new IllegalArgumentException("config key '" + key + "' must be a list of numbers, got " + find(key));
    }
    List<Double> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof Number n)) {
        throw new IllegalArgumentException("config key '" + key + "' must be a list of numbers, got " + list);
      }
      out.add(n.doubleValue());
    }
    return List.copyOf(out);
  }

  /** A section or open map ({@code dynamics.options}); empty where the key is missing. */
  public Map<String, Object> map(String key) {
    Object v = find(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("config key '" + key + "' must be a map, got " + v);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, x) -> out.put(String.valueOf(k), x));
    return Collections.unmodifiableMap(out);
  }
}
