package io.actionstream.training.publish;

import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.export.ParityCheck;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a new student only if it does not score worse than the release in service, both
 * scored the same way: top-1 accuracy on the same validation clips, run in ONNX Runtime, each
 * model loaded by the runner inference uses and fed clips as its own metadata describes. With no release in service, or one trained on
 * other classes, there is nothing to compare with and the candidate passes; the reason says so.
 */
public final class QualityGate {

  private static final Logger log = LoggerFactory.getLogger(QualityGate.class);

  private final ModelStore store;
  private final List<Item> validation;
  private final int stride;

  public QualityGate(ModelStore store, List<Item> validation, int stride) {
    this.store = store;
    this.validation = validation;
    this.stride = stride;
  }

  public GateDecision decide(byte[] candidate, Optional<ModelRelease> current) {
    double candidateScore;
    List<String> candidateLabels;
    try (StudentModel model = ParityCheck.load(candidate)) {
      candidateScore = accuracy(model);
      candidateLabels = model.spec().labels();
    }
    GateDecision decision;
    if (current.isEmpty()) {
      decision = new GateDecision(true, candidateScore, Double.NaN, "", "no release in service yet");
    } else {
      ModelRelease release = current.get();
      decision = compare(candidateScore, candidateLabels, release);
    }
    log.info("Quality gate: {} (candidate {}, in service {})", decision.reason(),
        percent(decision.candidateAccuracy()), percent(decision.currentAccuracy()));
    return decision;
  }

  private GateDecision compare(double candidateScore, List<String> candidateLabels, ModelRelease release) {
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
      double currentScore;
      try {
        currentScore = accuracy(current);
      } catch (IllegalStateException e) {
        return new GateDecision(true, candidateScore, Double.NaN, release.getVersion(),
            "the release in service (" + release.getVersion() + ") takes other input (" + e.getMessage() + "); not comparable");
      }
      boolean passed = candidateScore >= currentScore;
      return new GateDecision(passed, candidateScore, currentScore, release.getVersion(),
          passed ? "candidate is not worse than " + release.getVersion() : "candidate is worse than " + release.getVersion() + "; not published");
    }
  }

  /**
   * Top-1 accuracy on the validation clips, prepared by the shared preprocessing for the model's
   * own input spec (a model that wants other pixels than the data set was prepared for is an error).
   */
  private double accuracy(StudentModel model) {
    ClipSampler sampler = new ClipSampler(new ClipSpec(model.spec(), stride));
    int per = model.spec().clipValues();
    int batch = 8;
    long correct = 0;
    for (int from = 0; from < validation.size(); from += batch) {
      int n = Math.min(batch, validation.size() - from);
      float[] input = new float[n * per];
      for (int i = 0; i < n; i++) {
        Item item = validation.get(from + i);
        sampler.rgb(item.video(), sampler.centreWindow(item.video()), input, i * per);
      }
      StudentModel.Output out = model.run(input, n);
      int classes = out.logits().length / n;
      for (int i = 0; i < n; i++) {
        int best = 0;
        for (int c = 1; c < classes; c++) {
          if (out.logits()[i * classes + c] > out.logits()[i * classes + best]) {
            best = c;
          }
        }
        correct += best == validation.get(from + i).sample().label() ? 1 : 0;
      }
    }
    return validation.isEmpty() ? Double.NaN : (double) correct / validation.size();
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }
}
