package io.actionstream.training.publish;

import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.evaluation.OnnxScoring;
import io.actionstream.training.export.ParityCheck;
import io.actionstream.training.study.PairedComparison;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a new student only if it beats the release in service by a margin, both scored the
 * same way, clip by clip (the reason states the difference, the clips only one of them gets
 * right and the exact McNemar p-value, so the report says what was decided and on what): top-1
 * accuracy on the same validation clips, run in ONNX Runtime, each model loaded by the runner
 * inference uses and fed clips as its own metadata describes. A tie keeps the release in service.
 * With no release in service, or one trained on other classes, there is nothing to compare with
 * and the candidate passes; the reason says so.
 */
public final class QualityGate {

  private static final Logger log = LoggerFactory.getLogger(QualityGate.class);

  private final ModelStore store;
  private final List<Item> validation;
  private final int stride;
  private final double margin;

  /**
   * A gate scoring on {@code validation}; a candidate replaces the release in service only when
   * its validation top-1 is higher by at least {@code margin} (a share: 0.01 is one point).
   */
  public QualityGate(ModelStore store, List<Item> validation, int stride, double margin) {
    if (!(margin >= 0 && margin < 1)) {
      throw new IllegalArgumentException("the gate margin must be at least 0 and below 1, got " + margin);
    }
    this.store = store;
    this.validation = validation;
    this.stride = stride;
    this.margin = margin;
  }

  public GateDecision decide(byte[] candidate, Optional<ModelRelease> current) {
    boolean[] candidateRight;
    List<String> candidateLabels;
    try (StudentModel model = ParityCheck.load(candidate)) {
      candidateRight = correct(model);
      candidateLabels = model.spec().labels();
    }
    double candidateScore = accuracy(candidateRight);
    GateDecision decision;
    if (current.isEmpty()) {
      decision = new GateDecision(true, candidateScore, Double.NaN, "", "no release in service yet");
    } else {
      ModelRelease release = current.get();
      decision = compare(candidateRight, candidateLabels, release);
    }
    log.info("Quality gate: {} (candidate {}, in service {})", decision.reason(),
        percent(decision.candidateAccuracy()), percent(decision.currentAccuracy()));
    return decision;
  }

  private GateDecision compare(boolean[] candidateRight, List<String> candidateLabels, ModelRelease release) {
    double candidateScore = accuracy(candidateRight);
    byte[] currentBytes;
    try {
      currentBytes = store.read(release.getArtifactUri(), release.getSha256());
    } catch (RuntimeException e) {
      return new GateDecision(true, candidateScore, Double.NaN, release.getVersion(),
          "the release in service (" + release.getVersion() + ") cannot be read (" + e.getMessage() + "); replacing it");
    }
    StudentModel loaded;
    try {
      loaded = StudentModel.load(currentBytes, ExecutionProvider.CPU, "the release in service (" + release.getVersion() + ")");
    } catch (ModelRefusedException e) {
      return new GateDecision(true, candidateScore, Double.NaN, release.getVersion(),
          "the release in service (" + release.getVersion() + ") is refused by today's model contract (" + e.reason().label() + ": "
              + e.getMessage() + "); replacing it");
    }
    try (StudentModel current = loaded) {
      if (!current.spec().labels().equals(candidateLabels)) {
        return new GateDecision(true, candidateScore, Double.NaN, release.getVersion(),
            "the release in service (" + release.getVersion() + ") has other classes; not comparable");
      }
      boolean[] currentRight;
      try {
        currentRight = correct(current);
      } catch (IllegalStateException e) {
        return new GateDecision(true, candidateScore, Double.NaN, release.getVersion(),
            "the release in service (" + release.getVersion() + ") takes other input (" + e.getMessage() + "); not comparable");
      }
      double currentScore = accuracy(currentRight);
      if (validation.isEmpty()) {
        return new GateDecision(false, candidateScore, currentScore, release.getVersion(),
            "no validation clips to compare on; keeping " + release.getVersion());
      }
      PairedComparison paired = PairedComparison.of(candidateRight, currentRight, 0, 1);
      boolean passed = candidateScore - currentScore >= margin - 1e-12;
      String evidence = String.format(Locale.ROOT,
          "on the same %d validation clips the candidate scores %s and %s %s: %+.1f points (margin %.1f); %d clips only the "
              + "candidate gets right, %d only the release, exact McNemar p = %.2g",
          paired.clips(), percent(candidateScore), release.getVersion(), percent(currentScore), 100 * paired.difference(),
          100 * margin, paired.onlyA(), paired.onlyB(), paired.mcNemarP());
      return new GateDecision(passed, candidateScore, currentScore, release.getVersion(),
          evidence + (passed ? "; published" : "; not better by the margin, so " + release.getVersion() + " stays in service"));
    }
  }

  /**
   * Whether the model gets each validation clip right, clips prepared by the shared preprocessing for the model's
   * own input spec (a model that wants other pixels than the data set was prepared for is an error).
   */
  private boolean[] correct(StudentModel model) {
    return OnnxScoring.correct(model, validation, stride);
  }

  private static double accuracy(boolean[] correct) {
    return OnnxScoring.accuracy(correct);
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }
}
