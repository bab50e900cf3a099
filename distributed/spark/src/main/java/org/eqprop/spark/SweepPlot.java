package org.eqprop.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eqprop.runner.report.Charts;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * {@code sweep.png}: the final test error against each axis, one panel per axis. Where an axis value
 * has several runs (seeds, or the other axes' values) the bar is their mean and the error bar one
 * standard deviation, so seeds show as spread; an axis of seeds alone is drawn when it is the only
 * one.
 */
final class SweepPlot {
  /** The axis whose values are seeds. */
  static final String SEED = "training.seed";

  private SweepPlot() {}

  /** Writes the panels for {@code axes} over the finished rows of {@code rows}. */
  static void write(Path file, List<String> axes, List<SweepTable.Row> rows) throws IOException {
    List<String> drawn = new ArrayList<>(axes);
    if (drawn.size() > 1) {
      drawn.remove(SEED);
    }
    List<CategoryChart> panels = new ArrayList<>();
    for (String axis : drawn) {
      Map<String, List<Double>> byValue = new LinkedHashMap<>();
      for (SweepTable.Row row : rows) {
        double e = row.finalTestError();
        if (!Double.isNaN(e)) {
          String value = row.run().values().get(axis);
          // a run of an explicit list that does not set this axis keeps the base's value
          byValue.computeIfAbsent(value.isEmpty() ? "(base)" : value, k -> new ArrayList<>()).add(100 * e);
        }
      }
      if (byValue.isEmpty()) {
        continue;
      }
      List<String> x = new ArrayList<>(byValue.keySet());
      List<Double> mean = new ArrayList<>();
      List<Double> sd = new ArrayList<>();
      int most = 0;
      for (List<Double> v : byValue.values()) {
        double m = v.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = v.stream().mapToDouble(d -> (d - m) * (d - m)).sum() / Math.max(1, v.size() - 1);
        mean.add(m);
        sd.add(Math.sqrt(var));
        most = Math.max(most, v.size());
      }
      CategoryChart chart = new CategoryChartBuilder().width(800).height(360)
          .title(String.format(Locale.ROOT, "final test error by %s%s", axis,
              most > 1 ? " (mean of the runs per value, bars: one standard deviation)" : ""))
          .xAxisTitle(axis).yAxisTitle("test error (%)").build();
      chart.getStyler().setLegendVisible(false);
      chart.getStyler().setYAxisDecimalPattern("0.00");
      if (most > 1) {
        chart.addSeries("test error", x, mean, sd);
      } else {
        chart.addSeries("test error", x, mean);
      }
      panels.add(chart);
    }
    if (!panels.isEmpty()) {
      Charts.writePng(panels, file);
    }
  }
}
