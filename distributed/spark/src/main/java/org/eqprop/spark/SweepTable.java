package org.eqprop.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqprop.runner.config.ConfigLoader;
import org.eqprop.runner.run.AtomicFiles;
import org.eqprop.runner.run.RunDirectory;
import org.eqprop.runner.train.EpochResult;

/**
 * {@code sweep.csv}: one row per run, read from the run's own directory ({@code metrics.csv},
 * {@code config.yaml}) and its task's {@link RunOutcome}.
 */
final class SweepTable {
  private SweepTable() {}

  /**
   * One run's row.
   *
   * @param run the run
   * @param outcome what its task reported
   * @param epochs its {@code metrics.csv} rows
   * @param backend the backend it trained on, empty when it never started
   */
  record Row(SweepRun run, RunOutcome outcome, List<EpochResult> epochs, String backend) {
    /** The last epoch's test error, or NaN before the first epoch. */
    double finalTestError() {
      return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).testError();
    }

    double bestTestError() {
      return epochs.stream().mapToDouble(EpochResult::testError).min().orElse(Double.NaN);
    }

    double trainError() {
      return epochs.isEmpty() ? Double.NaN : epochs.get(epochs.size() - 1).trainError();
    }

    double seconds() {
      return epochs.stream().mapToDouble(EpochResult::seconds).sum();
    }

    double samplesPerSecond() {
      return epochs.stream().mapToDouble(EpochResult::samplesPerSecond).average().orElse(Double.NaN);
    }
  }

  /** Reads each run's directory under {@code out}. */
  static List<Row> rows(Path out, List<SweepRun> runs, Map<String, RunOutcome> outcomes, ConfigLoader loader)
      throws IOException {
    List<Row> rows = new ArrayList<>();
    for (SweepRun run : runs) {
      Path dir = Sweep.runDir(out, run.name());
      List<EpochResult> epochs = RunDirectory.results(dir.resolve(RunDirectory.METRICS));
      String backend = "";
      Path config = dir.resolve(RunDirectory.CONFIG);
      if (Files.exists(config)) {
        backend = loader.fromYaml(Files.readString(config, StandardCharsets.UTF_8), config.toString(), Map.of())
            .backend().name();
      }
      rows.add(new Row(run, outcomes.get(run.name()), epochs, backend));
    }
    return rows;
  }

  /** The table's text: a header, then one line per row; errors as fractions, as metrics.csv has them. */
  static String csv(List<String> axes, List<Row> rows) {
    List<String> header = new ArrayList<>(List.of("run"));
    header.addAll(axes);
    header.addAll(List.of("final_test_error", "best_test_error", "train_error", "epochs", "seconds",
        "samples_per_second", "backend", "host", "status", "reason"));
    StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
    for (Row row : rows) {
      List<String> cells = new ArrayList<>(List.of(row.run().name()));
      for (String axis : axes) {
        cells.add(row.run().values().getOrDefault(axis, ""));
      }
      cells.add(number("%.6f", row.finalTestError()));
      cells.add(number("%.6f", row.bestTestError()));
      cells.add(number("%.6f", row.trainError()));
      cells.add(String.valueOf(row.epochs().size()));
      cells.add(number("%.3f", row.seconds()));
      cells.add(number("%.1f", row.samplesPerSecond()));
      cells.add(row.backend());
      cells.add(row.outcome().host());
      cells.add(row.outcome().status());
      cells.add(row.outcome().reason());
      csv.append(String.join(",", cells.stream().map(SweepTable::quote).toList())).append('\n');
    }
    return csv.toString();
  }

  /** Writes {@link #csv} to {@code file}, replacing it whole. */
  static void write(Path file, List<String> axes, List<Row> rows) throws IOException {
    AtomicFiles.write(file, ByteBuffer.wrap(csv(axes, rows).getBytes(StandardCharsets.UTF_8)));
  }

  private static String number(String format, double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, format, v);
  }

  private static String quote(String cell) {
    if (cell.contains(",") || cell.contains("\"") || cell.contains("\n")) {
      return "\"" + cell.replace("\"", "\"\"").replace("\n", " ") + "\"";
    }
    return cell;
  }
}
