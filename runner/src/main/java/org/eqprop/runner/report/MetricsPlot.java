package org.eqprop.runner.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.eqprop.runner.train.EpochResult;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Renders a run's metrics as a PNG: training and test error (left axis) and mean energy (right axis) per epoch. */
public final class MetricsPlot {
  private MetricsPlot() {}

  /** Writes the plot of {@code results} to {@code file} (replacing it atomically). */
  public static void write(List<EpochResult> results, String title, Path file) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("epoch").yAxisTitle("error (%)").build();
    double[] epochs = results.stream().mapToDouble(EpochResult::epoch).toArray();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
    chart.setYAxisGroupTitle(1, "mean free-phase energy");
    add(chart, "train error (%)", epochs, results.stream().mapToDouble(r -> 100 * r.trainError()).toArray(), 0);
    add(chart, "test error (%)", epochs, results.stream().mapToDouble(r -> 100 * r.testError()).toArray(), 0);
    add(chart, "mean energy", epochs, results.stream().mapToDouble(EpochResult::meanEnergy).toArray(), 1);
    Charts.writePng(chart, file);
  }

  private static void add(XYChart chart, String name, double[] x, double[] y, int group) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setYAxisGroup(group);
  }
}
