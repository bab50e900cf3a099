package org.eqprop.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;

/**
 * One run of a sweep, as the driver hands it to a Spark task.
 *
 * @param name its directory's name under {@code OUT/runs/}
 * @param values the sweep's axes' values for it, as text, in the axes' order
 * @param config its whole configuration as YAML ({@code OUT/configs/NAME.yaml})
 * @param epochs the epochs it trains
 */
public record SweepRun(String name, LinkedHashMap<String, String> values, String config, int epochs)
    implements Serializable {
  private static final long serialVersionUID = 1L;
}
