package org.eqprop.models.cost;

import java.util.SplittableRandom;
import org.eqprop.api.Cost;
import org.eqprop.api.Energy;
import org.eqprop.api.spi.CostProvider;
import org.eqprop.api.spi.Settings;

/**
 * Registers {@link SoftmaxReadout} as {@code softmax-readout}: {@code cost.options.classes} (default
 * 10) scores read from the energy's output layer, in the learning-rate group after the energy's
 * (its rate is the last of {@code optimizer.learning-rates}), initialised from {@code training.seed}.
 */
public final class SoftmaxReadoutProvider implements CostProvider {
  /** The classes when {@code cost.options.classes} is not set. */
  public static final int DEFAULT_CLASSES = 10;

  /** Mixed into {@code training.seed} so the readout's draws are a stream of their own. */
  private static final long STREAM = 0x5EAD_0075L;

  @Override
  public String name() {
    return SoftmaxReadout.NAME;
  }

  @Override
  public String description() {
    return "a linear readout of the output layer, softmax cross-entropy, trained outside the energy";
  }

  @Override
  public Cost create(Settings config, Energy energy) {
    for (String key : config.map("cost.options").keySet()) {
      if (!key.equals("classes")) {
        throw new IllegalArgumentException("cost " + SoftmaxReadout.NAME + " takes the option classes, got '" + key
            + "' (config key 'cost.options." + key + "')");
      }
    }
    int classes = config.integer("cost.options.classes", DEFAULT_CLASSES);
    if (classes < 2) {
      throw new IllegalArgumentException("config key 'cost.options.classes' must be at least 2, got " + classes);
    }
    int[] sizes = energy.layerSizes();
    long seed = (long) config.number("training.seed");
    return new SoftmaxReadout(energy.backend(), sizes[sizes.length - 1], classes, energy.parameterGroups(),
        new SplittableRandom(seed ^ STREAM));
  }
}
