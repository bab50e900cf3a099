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
    double[] epochs = results.stream().mapToDouble(EpochResult::epoch).toArray();
    XYChart errors = new XYChartBuilder().width(900).height(360).title(title).xAxisTitle("epoch")
        .yAxisTitle("error (%)").build();
    errors.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    add(errors, "train error (%)", epochs, results.stream().mapToDouble(r -> 100 * r.trainError()).toArray());
    add(errors, "test error (%)", epochs, results.stream().mapToDouble(r -> 100 * r.testError()).toArray());
    // the energy in a panel of its own: on the errors' axes its curve crossed theirs
    XYChart energy = new XYChartBuilder().width(900).height(220).xAxisTitle("epoch")
        .yAxisTitle("mean free-phase energy").build();
    energy.getStyler().setLegendVisible(false);
    add(energy, "mean energy", epochs, results.stream().mapToDouble(EpochResult::meanEnergy).toArray());
    Charts.writePng(java.util.List.of(errors, energy), file);
  }

  private static void add(XYChart chart, String name, double[] x, double[] y) {
    XYSeries s = chart.addSeries(name, x, y);
    s.setMarker(SeriesMarkers.CIRCLE);
  }
}
