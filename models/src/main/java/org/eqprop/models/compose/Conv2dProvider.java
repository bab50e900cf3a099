package org.eqprop.models.compose;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.eqprop.api.compose.Interaction;
import org.eqprop.api.compose.Layer;
import org.eqprop.api.spi.InteractionProvider;
import org.eqprop.api.spi.InteractionSpec;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.ConvGeometry;
import org.eqprop.api.tensor.PoolGeometry;

/**
 * Registers {@link Conv2d} as the interaction type {@code conv2d}: {@code layers: [i, j]} and the
 * options {@code in: [channels, height, width]} (layer i's image shape), {@code channels} (layer
 * j's), {@code kernel}, {@code stride} (default 1) and {@code padding} (default 0); layer j must have
 * {@code channels × H' × W'} units; with {@code pool: max} or {@code avg} (windows of {@code
 * pool-size}, default 2) the pooled output drives layer j, which then has {@code channels × H'/p ×
 * W'/p} units. Weights {@code U(±1/sqrt(in-channels · kernel²))}.
 */
public final class Conv2dProvider implements InteractionProvider {
  private static final Set<String> KEYS = Set.of("in", "channels", "kernel", "stride", "padding", "pool", "pool-size");

  @Override
  public String type() {
    return Conv2d.TYPE;
  }

  @Override
  public String description() {
    return "2-D convolution between image layers, E = -<P(conv(rho(s_i), W)), rho(s_j)>; options in: [C, H, W], "
        + "channels, kernel, stride (1), padding (0), pool (max or avg; none by default), pool-size (2)";
  }

  @Override
  public Interaction create(InteractionSpec spec, List<Layer> layers, Backend backend, RandomGenerator random) {
    Specs.requireLayers(spec, 2);
    Map<String, Object> o = spec.options();
    for (String key : o.keySet()) {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d) has no option '" + key
            + "'; options: in, channels, kernel, stride, padding, pool, pool-size");
      }
    }
    ConvGeometry g = geometry(spec);
    Object kind = o.get("pool");
    PoolGeometry pooling = null;
    if (kind != null) {
      if (!"max".equals(kind) && !"avg".equals(kind)) {
        throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d) has pool max or avg, got " + kind);
      }
      int size = integer(spec, "pool-size", 2);
      try {
        pooling = new PoolGeometry(g.outChannels(), g.outHeight(), g.outWidth(), size, "max".equals(kind));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d): " + e.getMessage());
      }
    } else if (o.containsKey("pool-size")) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d) has pool-size but no pool (max or avg)");
    }
    return Conv2d.uniform(backend, layers, spec.layers().get(0), spec.layers().get(1), g, pooling, spec.name(),
        spec.group(), random);
  }

  /**
   * The convolution a {@code conv2d} declaration's options describe ({@code in}, {@code channels},
   * {@code kernel}, {@code stride}, {@code padding}; its pooling aside).
   *
   * @throws IllegalArgumentException naming the interaction, where an option is missing or malformed
   */
  public static ConvGeometry geometry(InteractionSpec spec) {
    Object in = spec.options().get("in");
    if (!(in instanceof List<?> shape) || shape.size() != 3 || !shape.stream().allMatch(v -> v instanceof Integer)) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d) needs the option in: [channels, "
          + "height, width], got " + in);
    }
    int channels = integer(spec, "channels", null);
    int kernel = integer(spec, "kernel", null);
    int stride = integer(spec, "stride", 1);
    int padding = integer(spec, "padding", 0);
    try {
      return new ConvGeometry((Integer) shape.get(0), (Integer) shape.get(1), (Integer) shape.get(2), channels, kernel,
          stride, padding);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d): " + e.getMessage());
    }
  }

  private static int integer(InteractionSpec spec, String key, Integer fallback) {
    Object v = spec.options().get(key);
    if (v == null && fallback != null) {
      return fallback;
    }
    if (!(v instanceof Integer i)) {
      throw new IllegalArgumentException("interaction " + spec.name() + " (conv2d) needs the option " + key
          + " as a whole number, got " + v);
    }
    return i;
  }
}
