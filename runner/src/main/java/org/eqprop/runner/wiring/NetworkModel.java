package org.eqprop.runner.wiring;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.eqprop.api.Energy;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.compose.ComposedEnergy;
import org.eqprop.models.hopfield.LayeredHopfield;
import org.eqprop.runner.EqpropException;

/**
 * The model {@code network}: an energy declared in configuration, layer sizes in {@code
 * model.layers} (input first) and its terms in {@code model.interactions}, each
 *
 * <pre>
 *   {type: dense, layers: [0, 1], name: W1, group: 0, options: {}}
 * </pre>
 *
 * with {@code type} one of the discovered interaction types and {@code layers} indices into {@code
 * model.layers}. {@code name} defaults to {@code W<j>} for a dense term between neighbours {@code
 * j − 1} and {@code j}, {@code W<i>_<j>} for other dense terms, {@code b<k>} for a bias and {@code
 * <type><layers>} otherwise; {@code group} (the learning-rate group) defaults to the highest layer
 * the term touches minus one. Parameters are created in the order declared, so a seed gives the
 * same network every time.
 */
public final class NetworkModel {
  /** The model's name. */
  public static final String NAME = "network";

  private static final Set<String> KEYS = Set.of("type", "layers", "name", "group", "options");

  private NetworkModel() {}

  /**
   * Builds the declared network.
   *
   * @throws EqpropException (usage) naming the declaration at fault
   */
  public static Energy create(List<Integer> sizes, List<Map<String, Object>> declared, Registry<InteractionProvider> types,
      Backend backend, RandomGenerator random) {
    if (declared.isEmpty()) {
      throw EqpropException.usage("model network needs its terms in config key 'model.interactions' (a list of "
          + "{type, layers}, e.g. {type: dense, layers: [0, 1]})");
    }
    List<Layer> layers = LayeredHopfield.layers(sizes.stream().mapToInt(Integer::intValue).toArray());
    List<Interaction> terms = new ArrayList<>();
    try {
      for (int i = 0; i < declared.size(); i++) {
        InteractionSpec spec = spec(declared.get(i), i + 1, sizes.size());
        try {
          terms.add(types.get(spec.type()).create(spec, layers, backend, random));
        } catch (IllegalArgumentException e) {
          throw EqpropException.usage("config key 'model.interactions' item " + (i + 1) + ": " + e.getMessage());
        }
      }
      return new ComposedEnergy(backend, layers, terms);
    } catch (RuntimeException e) {
      terms.forEach(Interaction::close);
      if (e instanceof IllegalArgumentException) {
        throw EqpropException.usage("model network: " + e.getMessage());
      }
      throw e;
    }
  }

  private static EqpropException bad(int item, String what) {
    return EqpropException.usage("config key 'model.interactions' item " + item + ": " + what);
  }

  /** The declaration of item {@code item} (1-based) as a spec, its defaults filled in. */
  static InteractionSpec spec(Map<String, Object> d, int item, int layerCount) {
    if (d == null) {
      throw bad(item, "is empty; it needs a type and layers");
    }
    for (String key : d.keySet()) {
      if (!KEYS.contains(key)) {
        throw bad(item, "unknown key '" + key + "' (keys: type, layers, name, group, options)");
      }
    }
    if (!(d.get("type") instanceof String type) || type.isBlank()) {
      throw bad(item, "needs a 'type', e.g. dense");
    }
    if (!(d.get("layers") instanceof List<?> raw) || raw.isEmpty()) {
      throw bad(item, "needs 'layers', a list of layer indices (0 is the input), e.g. [0, 1]");
    }
    List<Integer> idx = new ArrayList<>();
    for (Object o : raw) {
      if (!(o instanceof Integer k) || k < 0 || k >= layerCount) {
        throw bad(item, "layer " + o + " is not an index of model.layers (0 to " + (layerCount - 1) + ")");
      }
      idx.add(k);
    }
    String name;
    if (d.get("name") == null) {
      name = defaultName(type, idx);
    } else if (d.get("name") instanceof String n && !n.isBlank()) {
      name = n;
    } else {
      throw bad(item, "'name' must be a non-empty string, got " + d.get("name"));
    }
    int group;
    if (d.get("group") == null) {
      group = Math.max(0, idx.stream().mapToInt(Integer::intValue).max().orElse(1) - 1);
    } else if (d.get("group") instanceof Integer g && g >= 0) {
      group = g;
    } else {
      throw bad(item, "'group' must be an integer >= 0, got " + d.get("group"));
    }
    Map<String, Object> options = new LinkedHashMap<>();
    if (d.get("options") instanceof Map<?, ?> m) {
      m.forEach((k, v) -> options.put(String.valueOf(k), v));
    } else if (d.get("options") != null) {
      throw bad(item, "'options' must be a map, got " + d.get("options"));
    }
    return new InteractionSpec(type, idx, name, group, options);
  }

  private static String defaultName(String type, List<Integer> layers) {
    if (type.equals("dense") && layers.size() == 2) {
      int i = layers.get(0);
      int j = layers.get(1);
      return j == i + 1 ? "W" + j : "W" + i + "_" + j;
    }
    if (type.equals("bias") && layers.size() == 1) {
      return "b" + layers.get(0);
    }
    StringBuilder s = new StringBuilder(type);
    for (int k : layers) {
      s.append(k);
    }
    return s.toString();
  }
}
