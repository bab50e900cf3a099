package org.eqprop.runner.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eqprop.api.tensor.Backend;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.runner.EqpropException;
import org.eqprop.runner.train.Progress;

/**
 * A run's checkpoint: a safetensors file (see {@link SafeTensors}) whose tensors are the model's
 * parameters under their own names ({@code W1}, {@code b1}, …), the learner's state ({@code
 * particles.1}, …) and the optimizer's ({@code optimizer.*}), and whose metadata holds the format,
 * its version, the {@link Progress} and the resolved configuration as YAML. Format described in
 * {@code docs/checkpoints.md}.
 *
 * @param config the run's resolved configuration (YAML)
 * @param progress where the run stands
 * @param contents the raw file contents
 */
public record Checkpoint(String config, Progress progress, SafeTensors.Contents contents) {
  /** The value of the {@code format} metadata key. */
  public static final String FORMAT = "eqprop-checkpoint";
  /** The format version this build writes and reads. */
  public static final int VERSION = 1;

  private static final String WHAT = "checkpoint";

  /**
   * Saves atomically: a crash mid-write leaves the previous checkpoint intact.
   *
   * @param metrics the run's {@code metrics.csv} as of this checkpoint (kept in the metadata, so a
   *     resumed run's rows are its checkpoint's); null for none
   */
  public static void save(Path file, String config, Progress p, Map<String, Tensor> tensors, Backend backend,
      String metrics) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("format_version", Integer.toString(VERSION));
    meta.put("completed_epochs", Integer.toString(p.completedEpochs()));
    meta.put("next_batch", Integer.toString(p.nextBatch()));
    meta.put("epoch_errors", Long.toString(p.epochErrors()));
    meta.put("epoch_energy", Double.toString(p.epochEnergy()));
    meta.put("epoch_seconds", Double.toString(p.epochSeconds()));
    meta.put("epoch_free_steps", Long.toString(p.epochFreeSteps()));
    meta.put("shuffle_state", Long.toString(p.shuffleState()));
    meta.put("learner_state", Long.toString(p.learnerState()));
    meta.put("config", config);
    if (metrics != null) {
      meta.put("metrics", metrics);
    }
    SafeTensors.write(file, tensors, backend, meta);
  }

  /** Reads and validates a checkpoint; every problem is one line naming the file. */
  public static Checkpoint read(Path file) {
    SafeTensors.Contents c = SafeTensors.read(file, WHAT);
    Map<String, String> m = c.metadata();
    if (!FORMAT.equals(m.get("format"))) {
      throw EqpropException.usage(WHAT + " " + file + " cannot be used: it is not an eqprop checkpoint (metadata format is "
          + (m.get("format") == null ? "missing" : "'" + m.get("format") + "'") + ")");
    }
    String version = m.get("format_version");
    if (!Integer.toString(VERSION).equals(version)) {
      throw EqpropException.usage(WHAT + " " + file + " cannot be used: format version " + version
          + " is not supported (this eqprop reads version " + VERSION + ")");
    }
    if (m.get("config") == null) {
      throw EqpropException.usage(WHAT + " " + file + " cannot be used: its metadata has no config");
    }
    try {
      Progress p = new Progress(
          Integer.parseInt(m.get("completed_epochs")),
          Integer.parseInt(m.get("next_batch")),
          Long.parseLong(m.get("epoch_errors")),
          Double.parseDouble(m.get("epoch_energy")),
          Double.parseDouble(m.get("epoch_seconds")),
          Long.parseLong(m.getOrDefault("epoch_free_steps", "0")),
          Long.parseLong(m.get("shuffle_state")),
          Long.parseLong(m.get("learner_state")));
      return new Checkpoint(m.get("config"), p, c);
    } catch (NumberFormatException | NullPointerException e) {
      throw EqpropException.usage(WHAT + " " + file + " cannot be used: its progress metadata is missing or malformed");
    }
  }

  /** The run's {@code metrics.csv} as of this checkpoint; null in checkpoints written before it was kept. */
  public String metrics() {
    return contents.metadata().get("metrics");
  }

  /** Copies the stored tensors into {@code targets} (parameters, learner and optimizer state). */
  public void restore(Path file, Map<String, Tensor> targets, Backend backend) {
    SafeTensors.restore(file, WHAT, contents, targets, backend);
  }
}
