package org.eqprop.runner.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.eqprop.runner.EqpropException;

/**
 * The identity of a run: a random id written as the first line of its {@code config.yaml} ({@code #
 * eqprop run 3f2a9c01b7d4}) and so of every checkpoint it saves (a checkpoint carries the
 * configuration). {@code --resume} refuses a checkpoint whose id is not its directory's. Runs
 * written before ids existed have none and are not checked.
 */
public final class RunId {
  private static final String PREFIX = "# eqprop run ";

  private RunId() {}

  /** A new id. */
  public static String fresh() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  /** The configuration's first line for run {@code id}. */
  public static String header(String id) {
    return id == null ? "" : PREFIX + id + "\n";
  }

  /** The id a configuration's text starts with, or null. */
  public static String of(String yaml) {
    if (yaml == null || !yaml.startsWith(PREFIX)) {
      return null;
    }
    int end = yaml.indexOf('\n');
    return yaml.substring(PREFIX.length(), end < 0 ? yaml.length() : end).trim();
  }

  /**
   * Checks that a checkpoint of run {@code checkpointId} belongs in {@code run}: its {@code
   * config.yaml} names the same run, or one of them names none.
   *
   * @throws EqpropException (usage) naming both ids where they differ
   */
  public static void requireSame(RunDirectory run, String checkpointId) {
    Path config = run.path().resolve(RunDirectory.CONFIG);
    String dirId;
    try {
      dirId = Files.isRegularFile(config) ? of(Files.readString(config, StandardCharsets.UTF_8)) : null;
    } catch (IOException e) {
      throw EqpropException.usage("cannot read " + config + ": " + e.getMessage());
    }
    if (checkpointId != null && dirId != null && !checkpointId.equals(dirId)) {
      throw EqpropException.usage("checkpoint " + run.checkpoint() + " belongs to another run (run " + checkpointId
          + "; " + RunDirectory.CONFIG + " there is run " + dirId + "): nothing was changed; put the run's own "
          + "checkpoint back, or start a new run from this one's configuration");
    }
  }
}
