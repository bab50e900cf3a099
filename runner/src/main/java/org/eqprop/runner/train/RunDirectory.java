package org.eqprop.runner.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eqprop.api.Parameter;
import org.eqprop.api.tensor.Backend;
import org.eqprop.runner.EqpropException;

/**
 * A run's output directory: {@code config.yaml} (the resolved configuration), {@code metrics.csv}
 * (one row per epoch, appended as epochs finish) and {@code parameters.safetensors} (rewritten
 * atomically after every epoch).
 */
public final class RunDirectory {
  /** The resolved configuration of the run. */
  public static final String CONFIG = "config.yaml";
  /** One row per epoch. */
  public static final String METRICS = "metrics.csv";
  /** The parameters after the last finished epoch. */
  public static final String PARAMETERS = "parameters.safetensors";

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Checks that {@code dir} may be used: absent, empty, or {@code force} set. Creates nothing, so a
   * run that fails before training leaves no directory behind.
   */
  public static RunDirectory check(Path dir, boolean force) {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw EqpropException.usage("output path " + dir + " exists and is not a directory");
      }
      if (!force) {
        try (Stream<Path> s = Files.list(dir)) {
          if (s.findAny().isPresent()) {
            throw EqpropException.usage(
                "output directory " + dir + " exists and is not empty (use --force to write into it)");
          }
        } catch (IOException e) {
          throw EqpropException.usage("cannot read output directory " + dir + ": " + e.getMessage());
        }
      }
    }
    return new RunDirectory(dir);
  }

  /** The directory. */
  public Path path() {
    return dir;
  }

  /** Creates the directory and writes the configuration and the metrics header. */
  public void start(String configYaml) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.write(dir.resolve(CONFIG), ByteBuffer.wrap(configYaml.getBytes(StandardCharsets.UTF_8)));
    Files.writeString(dir.resolve(METRICS), EpochResult.CSV_HEADER + "\n", StandardCharsets.UTF_8);
  }

  /** Appends one epoch's row to {@code metrics.csv}. */
  public void append(EpochResult result) throws IOException {
    try (BufferedWriter w =
        Files.newBufferedWriter(dir.resolve(METRICS), StandardCharsets.UTF_8, StandardOpenOption.APPEND)) {
      w.write(result.csvRow());
      w.newLine();
    }
  }

  /** Saves the parameters atomically. */
  public void saveParameters(List<Parameter> parameters, Backend backend, Map<String, String> metadata) throws IOException {
    SafeTensors.write(dir.resolve(PARAMETERS), parameters, backend, metadata);
  }
}
