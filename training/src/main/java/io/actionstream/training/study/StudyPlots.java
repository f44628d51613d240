package io.actionstream.training.study;

import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.study.StudyPlan.Arm;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The study's plots, with XChart: test top-1 per arm with its 95% confidence interval, and the
 * learning curves (each arm's selected setting; every baseline setting's training loss).
 */
final class StudyPlots {

  static final String TOP1 = "top1.png";
  static final String CURVES = "learning-curves.png";

  private StudyPlots() {}

  static void write(StudyOutcome outcome, Path dir) throws IOException {
    top1(outcome, dir.resolve(TOP1));
    curves(outcome, dir.resolve(CURVES));
  }

  private static void top1(StudyOutcome outcome, Path png) throws IOException {
    int classes = outcome.data().values().stream().mapToInt(StudyData::classes).max().orElse(0);
    String chance = classes == 0 ? "" : String.format(java.util.Locale.ROOT, " (chance %.0f%%)", 100.0 / classes);
    CategoryChart chart = new CategoryChartBuilder().width(1100).height(460).title("Test top-1, mean over seeds with 95% CI" + chance)
        .xAxisTitle("arm").yAxisTitle("top-1 (%)").build();
    List<String> names = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    for (Arm arm : outcome.plan().arms()) {
      List<TestRecord> tests = outcome.tests(arm.name());
      if (tests.isEmpty()) {
        continue;
      }
      SeedSummary s = SeedSummary.of(tests.stream().mapToDouble(TestRecord::top1).toArray());
      names.add(arm.name());
      means.add(100 * s.mean());
      errors.add(s.n() > 1 ? 100 * (s.high() - s.mean()) : 0.0);
    }
    if (names.isEmpty()) {
      names.add("(no results yet)");
      means.add(0.0);
      errors.add(0.0);
    }
    chart.addSeries("top-1", names, means, errors);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLabelRotation(30);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(100.0);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static void curves(StudyOutcome outcome, Path png) throws IOException {
    XYChart validation = new XYChartBuilder().width(700).height(460).title("Validation top-1, selected settings")
        .xAxisTitle("epoch").yAxisTitle("top-1 (%)").build();
    XYChart loss = new XYChartBuilder().width(700).height(460).title("Baselines: training loss, every setting")
        .xAxisTitle("epoch").yAxisTitle("cross-entropy").build();
    for (Arm arm : outcome.plan().arms()) {
      Optional<Selection> selection = outcome.selection(arm.name());
      if (selection.isPresent()) {
        add(validation, arm.name(), outcome.runs(arm.name(), selection.get().setting()), s -> 100 * s.validationAccuracy());
      }
      if (arm.kind() == ArmKind.BASELINE || arm.kind() == ArmKind.PLAIN_CNN) {
        for (Setting setting : arm.settings(outcome.plan().budget())) {
          add(loss, arm.name() + " " + setting.describe(arm.kind()), outcome.runs(arm.name(), setting), EpochStats::trainLoss);
        }
      }
    }
    for (XYChart chart : List.of(validation, loss)) {
      chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
      chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
      if (chart.getSeriesMap().isEmpty()) {
        chart.addSeries("(no runs yet)", new double[] {0}, new double[] {0});
      }
    }
    BitmapEncoder.saveBitmap(List.of(validation, loss), 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static void add(XYChart chart, String name, List<RunRecord> runs, java.util.function.ToDoubleFunction<EpochStats> metric) {
    double[] curve = StudyReport.meanCurve(runs, metric);
    if (curve.length == 0) {
      return;
    }
    double[] epochs = IntStream.rangeClosed(1, curve.length).asDoubleStream().toArray();
    chart.addSeries(name, epochs, curve).setMarker(SeriesMarkers.NONE);
  }
}
