package org.eqprop.runner.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.eqprop.api.Learner;
import org.eqprop.api.PendingStep;
import org.eqprop.api.tensor.Backend;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.models.learning.PhaseTimes;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.report.Charts;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Measures one backend on one configuration: training samples per second after a warm-up, the
 * time per phase (free phase including the input drive, nudged phase, update), inference samples
 * per second, and memory.
 */
public final class Benchmark {
  private Benchmark() {}

  /**
   * One measurement.
   *
   * @param backend the backend's name
   * @param batchSize samples per training minibatch
   * @param samplesPerSecond training throughput
   * @param freeMs mean milliseconds per minibatch in the free phase (input drive included)
   * @param nudgedMs mean milliseconds per minibatch in the nudged phase; 0 where the backend runs both
   *     phases in one call ({@code ChainPhases}: {@code ejml}, {@code jcuda}), whose time is then all in
   *     {@code freeMs}
   * @param updateMs mean milliseconds per minibatch in the update
   * @param inferenceSamplesPerSecond prediction throughput (batches of {@code training.eval-batch-size})
   * @param peakHeapMb peak Java heap during this measurement
   * @param peakRssMb peak resident memory of the process so far (native memory included)
   */
  public record Result(String backend, int batchSize, double samplesPerSecond, double freeMs, double nudgedMs,
      double updateMs, double inferenceSamplesPerSecond, double peakHeapMb, double peakRssMb) {

    /** The CSV header matching {@link #csvRow()}. */
    public static final String CSV_HEADER = "backend,batch_size,samples_per_second,free_ms,nudged_ms,update_ms,"
        + "inference_samples_per_second,peak_heap_mb,peak_rss_mb";

    /** This result as a CSV row. */
    public String csvRow() {
      return String.format(Locale.ROOT, "%s,%d,%.1f,%.3f,%.3f,%.3f,%.1f,%.1f,%.1f", backend, batchSize,
          samplesPerSecond, freeMs, nudgedMs, updateMs, inferenceSamplesPerSecond, peakHeapMb, peakRssMb);
    }

    /** This result as a table row. */
    public String tableRow() {
      return String.format(Locale.ROOT, "%-8s %6d %12.0f %9.3f %9.3f %9.3f %13.0f %9.0f %9.0f", backend, batchSize,
          samplesPerSecond, freeMs, nudgedMs, updateMs, inferenceSamplesPerSecond, peakHeapMb, peakRssMb);
    }

    /** The header of {@link #tableRow()}. */
    public static String tableHeader() {
      return String.format(Locale.ROOT, "%-8s %6s %12s %9s %9s %9s %13s %9s %9s", "backend", "batch", "samples/s",
          "free ms", "nudged ms", "update ms", "infer samp/s", "heap MB", "RSS MB");
    }
  }

  /**
   * Runs {@code warmup} then {@code batches} training steps on the first examples of {@code data}
   * (cycling through them in order), then inference over {@code inferenceExamples} examples.
   */
  public static Result run(String name, Backend backend, int classes, Learner learner, Dataset data, int batchSize,
      int warmup, int batches, int evalBatchSize, int inferenceExamples) {
    int[] order = new int[data.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    int perPass = order.length / batchSize;
    if (perPass == 0) {
      throw new IllegalArgumentException("the data set has fewer examples than one batch of " + batchSize);
    }
    resetHeapPeaks();
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      for (int b = 0; b < warmup; b++) {
        learner.trainLater(feeder.batch(data, order, (b % perPass) * batchSize, batchSize)).get();
      }
      PhaseTimes times = learner instanceof EquilibriumPropagation ep ? ep.phaseTimes() : null;
      if (times != null) {
        times.reset();
      }
      long t0 = System.nanoTime();
      PendingStep pending = null;
      for (int b = 0; b < batches; b++) {
        // as the trainer does: a step's report is read once the next step is issued
        PendingStep issued = learner.trainLater(feeder.batch(data, order, ((warmup + b) % perPass) * batchSize, batchSize));
        if (pending != null) {
          pending.get();
        }
        pending = issued;
      }
      if (pending != null) {
        pending.get();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      int n = Math.min(inferenceExamples, data.count());
      int evalBatch = Math.min(evalBatchSize, n);
      learner.predict(feeder.batch(data, order, 0, evalBatch).input()); // warm the inference path
      long t1 = System.nanoTime();
      int done = 0;
      for (int from = 0; from + evalBatch <= n; from += evalBatch) {
        learner.predict(feeder.batch(data, order, from, evalBatch).input());
        done += evalBatch;
      }
      double inferSeconds = (System.nanoTime() - t1) / 1e9;
      double perBatchMs = times == null || times.steps() == 0 ? Double.NaN : 1e3 / times.steps();
      return new Result(name, batchSize, (double) batches * batchSize / seconds,
          times == null ? Double.NaN : times.freeSeconds() * perBatchMs,
          times == null ? Double.NaN : times.nudgedSeconds() * perBatchMs,
          times == null ? Double.NaN : times.updateSeconds() * perBatchMs,
          done / inferSeconds, peakHeapMb(), peakRssMb());
    }
  }

  private static void resetHeapPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  private static double peakHeapMb() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum / 1048576.0;
  }

  /** Peak resident set size of this process (VmHWM), or NaN where /proc is not available. */
  private static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return Double.NaN;
    }
    return Double.NaN;
  }

  /** Writes {@code bench.csv} and {@code bench.png} (training samples/s per backend and batch size). */
  public static void write(List<Result> results, Path dir, String title) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder(Result.CSV_HEADER).append('\n');
    for (Result r : results) {
      csv.append(r.csvRow()).append('\n');
    }
    Files.writeString(dir.resolve("bench.csv"), csv.toString(), StandardCharsets.UTF_8);
    CategoryChart chart = new CategoryChartBuilder().width(800).height(450).title(title)
        .xAxisTitle("batch size").yAxisTitle("training samples/s").build();
    // backends differ by orders of magnitude, so a slow one's bar is a sliver: every bar carries its value
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setYAxisDecimalPattern("#,##0");
    chart.getStyler().setLabelsPosition(1.0);
    chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
    chart.getStyler().setLabelsFontColor(java.awt.Color.BLACK);
    for (String backend : results.stream().map(Result::backend).distinct().toList()) {
      List<Result> mine = results.stream().filter(r -> r.backend().equals(backend)).toList();
      chart.addSeries(backend, mine.stream().map(r -> Integer.toString(r.batchSize())).toList(),
          mine.stream().map(r -> (Number) r.samplesPerSecond()).toList());
    }
    Charts.writePng(chart, dir.resolve("bench.png"));
  }
}
