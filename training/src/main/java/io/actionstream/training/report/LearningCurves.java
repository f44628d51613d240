package io.actionstream.training.report;

import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws the learning curves of a run with XChart: training cross-entropy and validation
 * accuracy per epoch, one line per network, side by side in one PNG.
 */
public final class LearningCurves {

  private LearningCurves() {}

  public static void write(Map<Role, List<EpochStats>> histories, Path png) throws IOException {
    XYChart loss = new XYChartBuilder().width(640).height(420).title("Training loss (cross-entropy)")
        .xAxisTitle("epoch").yAxisTitle("loss").build();
    XYChart accuracy = new XYChartBuilder().width(640).height(420).title("Validation accuracy")
        .xAxisTitle("epoch").yAxisTitle("top-1 (%)").build();
    for (var entry : histories.entrySet()) {
      List<EpochStats> history = entry.getValue();
      if (history.isEmpty()) {
        continue;
      }
      double[] epochs = history.stream().mapToDouble(EpochStats::epoch).toArray();
      String name = entry.getKey().label();
      loss.addSeries(name, epochs, history.stream().mapToDouble(EpochStats::trainLoss).toArray()).setMarker(SeriesMarkers.CIRCLE);
      accuracy.addSeries(name, epochs, history.stream().mapToDouble(s -> 100 * s.validationAccuracy()).toArray())
          .setMarker(SeriesMarkers.CIRCLE);
    }
    for (XYChart chart : List.of(loss, accuracy)) {
      chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    }
    BitmapEncoder.saveBitmap(List.of(loss, accuracy), 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
