package org.eqprop.runner.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.eqprop.api.Batch;
import org.eqprop.api.ClampedEnergy;
import org.eqprop.api.Cost;
import org.eqprop.api.Dynamics;
import org.eqprop.api.Energy;
import org.eqprop.api.Optimizer;
import org.eqprop.api.Parameter;
import org.eqprop.api.State;
import org.eqprop.api.tensor.Tensor;
import org.eqprop.models.check.ImplicitGradient;
import org.eqprop.models.learning.EpSettings;
import org.eqprop.models.learning.EquilibriumPropagation;
import org.eqprop.runner.data.Dataset;
import org.eqprop.runner.report.Charts;
import org.eqprop.runner.run.AtomicFiles;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The EP estimates of each variant against the exact gradient of the loss at the free fixed point
 * ({@link ImplicitGradient}), per layer and beta: what {@code eqprop gradcheck} reports.
 */
public final class GradCheck {
  /** The nudging variants compared. */
  public static final List<String> VARIANTS = List.of("positive", "negative", "centered");

  /**
   * One comparison: a variant at a beta, for one layer's parameters (weights and biases together);
   * NaN where that layer's exact gradient is zero.
   */
  public record Row(String variant, double beta, int layer, double cosine, double relativeError) {}

  /**
   * What was compared.
   *
   * @param rows every variant × beta × layer
   * @param freeSteps steps the free phase took to its fixed point
   * @param exact the exact gradient and how its linear solve went
   */
  public record Report(List<Row> rows, int freeSteps, ImplicitGradient.Result exact) {}

  private GradCheck() {}

  /**
   * Runs the comparison on examples {@code offset … offset+batchSize−1} of {@code data}.
   *
   * @param settings the phases' steps (T1 for the free phase, T2 for each nudged phase; make them
   *     long enough to converge) and the inference steps
   */
  public static Report run(Energy energy, Dynamics dynamics, Cost cost, Optimizer optimizer, Dataset data,
      int classes, int offset, int batchSize, EpSettings settings, List<String> variants, List<Double> betas) {
    var backend = energy.backend();
    int[] order = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      order[i] = offset + i;
    }
    try (BatchFeeder feeder = new BatchFeeder(backend, classes)) {
      Batch batch = feeder.batch(data, order, 0, batchSize);
      ImplicitGradient.Result exact;
      int freeSteps;
      try (State free = State.zeros(backend, batchSize, energy.stateSizes());
          ClampedEnergy clamped = energy.clamp(batch.input())) {
        freeSteps = dynamics.relax(clamped, cost, null, 0f, free, settings.freeSteps());
        exact = new ImplicitGradient(energy).gradient(batch.input(), cost, batch.target(), free, 1e-8, 5000);
      }
      if (exact.gradient().stream().allMatch(g -> java.util.Arrays.stream(g).allMatch(v -> v == 0))) {
        throw new org.eqprop.runner.EqpropException(
            "the loss gradient at the free fixed point is zero for these examples (every output unit with a non-zero "
                + "cost is held at a bound, as in a network that fits them): nothing to compare; take other "
                + "examples (--split test, --offset, a larger --batch)", org.eqprop.runner.EqpropException.USAGE);
      }
      List<Row> rows = new ArrayList<>();
      List<Parameter> params = Parameter.trainable(energy, cost);
      for (String variant : variants) {
        EpSettings s = new EpSettings(settings.freeSteps(), settings.nudgedSteps(), 1f, false, false,
            settings.inferenceSteps(), variant.equals("centered"));
        try (EquilibriumPropagation ep =
            new EquilibriumPropagation(energy, dynamics, cost, optimizer, s, 0, new SplittableRandom(1))) {
          for (double beta : betas) {
            float signed = (float) (variant.equals("negative") ? -beta : beta);
            List<Tensor> estimate = ep.estimateGradient(batch, signed);
            for (int group = 0; group < Parameter.groups(params); group++) {
              double dot = 0, ee = 0, xx = 0, diff = 0;
              for (int i = 0; i < params.size(); i++) {
                if (params.get(i).group() != group) {
                  continue;
                }
                float[] e = backend.toHost(estimate.get(i));
                double[] x = exact.gradient().get(i);
                for (int j = 0; j < e.length; j++) {
                  dot += e[j] * x[j];
                  ee += (double) e[j] * e[j];
                  xx += x[j] * x[j];
                  diff += (e[j] - x[j]) * (e[j] - x[j]);
                }
              }
              rows.add(xx == 0
                  ? new Row(variant, beta, group + 1, Double.NaN, Double.NaN)
                  : new Row(variant, beta, group + 1, dot / Math.sqrt(ee * xx), Math.sqrt(diff / xx)));
            }
          }
        }
      }
      return new Report(rows, freeSteps, exact);
    }
  }

  /** Writes {@code gradcheck.csv}, {@code gradcheck.png} (relative error) and {@code gradcheck-cosine.png}. */
  public static void write(Report report, Path dir, String title) throws IOException {
    Files.createDirectories(dir);
    StringBuilder csv = new StringBuilder("variant,beta,layer,cosine,relative_error\n");
    for (Row r : report.rows()) {
      csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.8f,%.8f%n", r.variant(), r.beta(), r.layer(), r.cosine(),
          r.relativeError()));
    }
    AtomicFiles.write(dir.resolve("gradcheck.csv"), ByteBuffer.wrap(csv.toString().getBytes(StandardCharsets.UTF_8)));
    plot(report, dir.resolve("gradcheck.png"), title, "relative error ‖ĝ − g‖ / ‖g‖", true);
    plot(report, dir.resolve("gradcheck-cosine.png"), title, "cosine(ĝ, g)", false);
  }

  private static void plot(Report report, Path file, String title, String yTitle, boolean error) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(550).title(title).xAxisTitle("beta").yAxisTitle(yTitle).build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(error);
    // outside the plot: inside, it covered the lines' ends
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    List<String> seen = new ArrayList<>();
    for (Row r : report.rows()) {
      String name = r.variant() + ", layer " + r.layer();
      if (seen.contains(name)) {
        continue;
      }
      seen.add(name);
      List<Row> series = report.rows().stream()
          .filter(x -> x.variant().equals(r.variant()) && x.layer() == r.layer())
          .filter(x -> Double.isFinite(x.cosine()) && Double.isFinite(x.relativeError())).toList();
      if (series.isEmpty()) {
        continue;
      }
      double[] xs = series.stream().mapToDouble(Row::beta).toArray();
      double[] ys = series.stream().mapToDouble(x -> error ? Math.max(x.relativeError(), 1e-12) : x.cosine()).toArray();
      XYSeries s = chart.addSeries(name, xs, ys);
      s.setMarker(SeriesMarkers.CIRCLE);
    }
    Charts.writePng(chart, file);
  }
}
