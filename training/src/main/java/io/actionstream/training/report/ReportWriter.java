package io.actionstream.training.report;

import io.actionstream.training.dataset.PreparedDataset.Skipped;
import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.Role;
import io.actionstream.training.evaluation.Classification;
import io.actionstream.training.evaluation.Localization;
import io.actionstream.training.evaluation.ModelEvaluation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes the Markdown report of a training run: what was trained on what, the results of
 * teacher, baseline and distilled student on the same test split, whether distillation met its
 * goal, and the export, gate and publication outcome. Plots are referenced by file name and
 * written next to it by the pipeline.
 */
public final class ReportWriter {

  /** Distillation's goal: this many points of top-1 over the baseline, and a better mean IoU. */
  public static final double GOAL_TOP1_POINTS = 5.0;

  private ReportWriter() {}

  public static Path write(TrainingReport r, Path dir) throws IOException {
    List<String> md = new ArrayList<>();
    md.add("# Training report: " + r.modelName() + " " + r.version());
    md.add("");
    double trainingSeconds = r.histories().values().stream().flatMap(List::stream).mapToDouble(EpochStats::seconds).sum();
    md.add("Started " + r.started() + "; this run took " + minutes(r.elapsed().toSeconds()) + ", and training the three "
        + "networks took " + minutes(Math.round(trainingSeconds)) + " in all (from the epochs' history, which survives a "
        + "resumed run). Command:");
    md.add("");
    md.add("```");
    md.add(r.commandLine());
    md.add("```");
    md.add("");
    md.add("## Setup");
    md.add("");
    var data = r.data();
    md.add("| | |");
    md.add("|---|---|");
    md.add("| data | `" + data.dataset().root() + "` (" + data.dataset().layout() + " layout), " + data.classes().size() + " classes |");
    md.add("| clips | " + data.train().size() + " train, " + data.validation().size() + " validation (held out of the train list), "
        + data.test().size() + " test; " + data.skipped().size() + " skipped |");
    md.add("| input | " + r.clip().frames() + " frames every " + r.clip().stride() + " decoded frame(s); frames scaled to a "
        + "short side of " + r.cacheSize() + ", " + r.clip().size() + "x" + r.clip().size() + " crops (random in training, centred in evaluation) |");
    md.add("| network | " + r.cost() + " (student, at its input " + r.studentSpec().frames() + "x" + r.studentSpec().height()
        + "x" + r.studentSpec().width() + "); attention map " + r.studentSpec().mapFrames() + "x" + r.studentSpec().mapHeight()
        + "x" + r.studentSpec().mapWidth() + " |");
    md.add("| teacher input | " + r.flow().label() + " optical flow, median motion removed, clipped to +-" + r.flowBound() + " px |");
    var o = r.options();
    var b = r.baselineOptions();
    boolean same = b.epochs() == o.epochs() && b.learningRate() == o.learningRate();
    md.add(String.format(Locale.ROOT, "| training | %d epochs, batch %d, Adam lr %s (cosine), weight decay %s, seed %d; %s |",
        o.epochs(), o.batchSize(), o.learningRate(), o.weightDecay(), o.seed(), same ? "same for all three"
            : String.format(Locale.ROOT, "the RGB baseline: %d epochs at lr %s (its own, e.g. a study's tuned setting)", b.epochs(), b.learningRate())));
    md.add(String.format(Locale.ROOT, "| distillation | %s distance, lambda %s |", o.distance(), o.lambda()));
    md.add("");
    md.add("## Results on the test split");
    md.add("");
    md.add("| network | input | top-1 | mean class acc. | attention mean IoU | IoU >= 0.5 | pointing game | reversal consistency | train clips/s | inference clips/s |");
    md.add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Role role : Role.values()) {
      ModelEvaluation e = r.evaluations().get(role);
      if (e == null) {
        continue;
      }
      List<EpochStats> history = r.histories().getOrDefault(role, List.of());
      double trainSpeed = history.stream().mapToDouble(EpochStats::clipsPerSecond).average().orElse(Double.NaN);
      Localization l = e.localization();
      md.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %.1f | %.1f |",
          name(role), role.readsFlow() ? "flow" : "RGB", pct(e.classification().top1()), pct(e.classification().meanClassAccuracy()),
          num(l.meanIou()), pct(l.iouAbove50()), pct(l.pointingGame()), pct(e.reversal().rate()), trainSpeed, e.inferenceClipsPerSecond()));
    }
    md.add("");
    md.add("Attention scores use the motion map of each network (the distilled one, for the student) and score the boxes "
        + "an event for the clip would carry (the shared box code: the map averaged over time, cells at " + Localization.THRESHOLD
        + " of its maximum or more, connected regions; the region with most attention), in source-frame coordinates, against "
        + "the union of the actor's true boxes over the clip (settings fixed before any result). A map spread evenly over "
        + "the frame gives a box of the whole frame, whose IoU is the actor's share of the frame, so read IoU together with "
        + "the pointing game, which such a map does not pass. Reversal consistency: share of clips of the reversal pairs "
        + "whose prediction turns into the partner class when played backwards.");
    md.add("");
    md.addAll(chance(r));
    md.add(verdict(r));
    md.add("");
    md.add("## Learning curves");
    md.add("");
    md.add("![learning curves](learning-curves.png)");
    md.add("");
    md.add("## Where the networks look");
    md.add("");
    md.add("Green: the actor's true box. Red: the box drawn from the motion attention map. Heat: the map.");
    md.add("");
    md.add("![attention](attention.png)");
    md.add("");
    md.add("## Per-class accuracy");
    md.add("");
    md.add("| class | " + String.join(" | ", r.evaluations().keySet().stream().map(ReportWriter::name).toList()) + " |");
    md.add("|---|" + "---:|".repeat(r.evaluations().size()));
    for (int c = 0; c < data.classes().size(); c++) {
      int cls = c;
      md.add("| " + data.classes().get(c) + " | "
          + String.join(" | ", r.evaluations().values().stream().map(e -> pct(e.classification().classAccuracy()[cls])).toList()) + " |");
    }
    md.add("");
    for (Role role : List.of(Role.BASELINE, Role.STUDENT)) {
      ModelEvaluation e = r.evaluations().get(role);
      if (e != null) {
        md.addAll(confusion(name(role), e.classification(), data.classes()));
      }
    }
    md.add("## Export");
    md.add("");
    md.add(String.format(Locale.ROOT, "ONNX (opset 17) `%s.onnx`, %,d bytes, SHA-256 `%s`. Parity with DJL over %d clips "
        + "(random and real): max |difference| %.2g in logits, %.2g in attention (limit %.0e).",
        r.modelName(), r.onnxBytes(), r.onnxSha256(), r.parity().clips(), r.parity().maxLogitDifference(),
        r.parity().maxAttentionDifference(), io.actionstream.training.export.ParityCheck.TOLERANCE));
    md.add("");
    if (r.int8() != null) {
      md.add("int8: `" + r.modelName() + ".onnx` above is the int8 model, served, gated and published; the fp32 export it was "
          + "quantized from is `" + r.modelName() + "-fp32.onnx`. " + String.join(" ", QuantizationReport.method(r.int8())));
      md.add("");
      md.addAll(QuantizationReport.comparison(r.int8()));
      md.add("");
    } else if (r.int8Refusal() != null) {
      md.add("int8: **refused**, so the fp32 model is the one served: " + r.int8Refusal() + ".");
      md.add("");
    }
    md.add("## Quality gate and publication");
    md.add("");
    if (r.gate() != null) {
      md.add(String.format(Locale.ROOT, "Gate: **%s**: %s. Validation top-1 of the candidate %s, of the release in service %s.",
          r.gate().passed() ? "passed" : "refused", r.gate().reason(), pct(r.gate().candidateAccuracy()), pct(r.gate().currentAccuracy())));
      md.add("");
    }
    md.add(r.publication());
    md.add("");
    md.add("## Skipped videos");
    md.add("");
    if (data.skipped().isEmpty()) {
      md.add("None: every listed video decoded.");
    } else {
      md.add(data.skipped().size() + " listed video(s) could not be decoded and were left out:");
      md.add("");
      for (Skipped s : data.skipped()) {
        md.add("- `" + s.name() + "`: " + s.reason());
      }
    }
    Files.createDirectories(dir);
    Path file = dir.resolve("report.md");
    Files.write(file, md);
    return file;
  }

  /** Localization without looking: the levels every localization score above is to be read against. */
  private static List<String> chance(TrainingReport r) {
    List<String> md = new ArrayList<>();
    ModelEvaluation any = r.evaluations().values().stream().findFirst().orElse(null);
    if (any == null || any.chance() == null) {
      return md;
    }
    md.add("Chance levels, on the same clips and scored the same way:");
    md.add("");
    md.add("| map or boxes | attention mean IoU | IoU >= 0.5 | pointing game |");
    md.add("|---|---:|---:|---:|");
    md.add(chanceRow("uniform map (one box: the whole crop; pointing: any cell)", any.chance().uniform()));
    md.add(chanceRow("centre prior (a Gaussian map at the centre)", any.chance().centrePrior()));
    for (Role role : Role.values()) {
      ModelEvaluation e = r.evaluations().get(role);
      if (e != null) {
        md.add(chanceRow("random boxes of the " + name(role) + "'s sizes, random cell", e.chance().randomBoxes()));
      }
    }
    md.add("");
    return md;
  }

  private static String chanceRow(String name, Localization l) {
    return String.format(Locale.ROOT, "| %s | %s | %s | %s |", name, num(l.meanIou()), pct(l.iouAbove50()), pct(l.pointingGame()));
  }

  private static String verdict(TrainingReport r) {
    ModelEvaluation baseline = r.evaluations().get(Role.BASELINE);
    ModelEvaluation student = r.evaluations().get(Role.STUDENT);
    if (baseline == null || student == null) {
      return "";
    }
    double chance = 1.0 / r.data().classes().size();
    if (baseline.classification().top1() < 2 * chance) {
      return String.format(Locale.ROOT,
          "**No verdict.** The RGB baseline is at %s top-1, within twice chance (%s with %d classes): it did not learn, so "
              + "the student's lead over it (%+.1f points) says nothing about distillation. A tuned baseline is needed "
              + "before any claim.",
          pct(baseline.classification().top1()), pct(chance), r.data().classes().size(),
          100 * (student.classification().top1() - baseline.classification().top1()));
    }
    double points = 100 * (student.classification().top1() - baseline.classification().top1());
    double iou = student.localization().meanIou() - baseline.localization().meanIou();
    boolean accuracyMet = points >= GOAL_TOP1_POINTS;
    boolean iouMet = iou > 0;
    String outcome = accuracyMet && iouMet ? "**Goal met.**" : "**Goal not met.**";
    return String.format(Locale.ROOT,
        "%s Goal: the distilled student beats the RGB baseline by at least %.0f points of top-1 and localizes better. "
            + "Measured: %+.1f points of top-1 (%s), %+.3f mean IoU (%s).",
        outcome, GOAL_TOP1_POINTS, points, accuracyMet ? "met" : "not met", iou, iouMet ? "better" : "not better");
  }

  private static List<String> confusion(String title, Classification c, List<String> classes) {
    List<String> md = new ArrayList<>();
    md.add("### Confusion matrix, " + title + " (rows: true class, columns: predicted)");
    md.add("");
    StringBuilder header = new StringBuilder("| |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int p = 0; p < classes.size(); p++) {
      header.append(' ').append(p + 1).append(" |");
      rule.append("---:|");
    }
    md.add(header.toString());
    md.add(rule.toString());
    for (int t = 0; t < classes.size(); t++) {
      StringBuilder row = new StringBuilder("| " + (t + 1) + " " + classes.get(t) + " |");
      for (int p = 0; p < classes.size(); p++) {
        int n = c.confusion()[t][p];
        row.append(' ').append(t == p ? "**" + n + "**" : (n == 0 ? "." : String.valueOf(n))).append(" |");
      }
      md.add(row.toString());
    }
    md.add("");
    return md;
  }

  static String name(Role role) {
    return switch (role) {
      case TEACHER -> "flow teacher";
      case BASELINE -> "RGB baseline";
      case STUDENT -> "distilled student";
    };
  }

  private static String pct(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }

  private static String num(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
  }

  private static String minutes(long seconds) {
    return seconds < 120 ? seconds + " s" : String.format(Locale.ROOT, "%.1f min", seconds / 60.0);
  }
}
