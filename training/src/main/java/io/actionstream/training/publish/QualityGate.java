package io.actionstream.training.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.ClipWindow;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.export.ModelMetadata;
import io.actionstream.training.export.OnnxModel;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a new student only if it does not score worse than the release in service, both
 * scored the same way: top-1 accuracy on the same validation clips, run in ONNX Runtime, each
 * model fed clips as its own metadata describes. With no release in service, or one trained on
 * other classes, there is nothing to compare with and the candidate passes; the reason says so.
 */
public final class QualityGate {

  private static final Logger log = LoggerFactory.getLogger(QualityGate.class);
  private static final ObjectMapper JSON = new ObjectMapper();

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
    try (OnnxModel model = new OnnxModel(candidate)) {
      candidateScore = accuracy(model);
      candidateLabels = labels(model);
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
    try (OnnxModel current = new OnnxModel(currentBytes)) {
      if (!labels(current).equals(candidateLabels)) {
        return new GateDecision(true, candidateScore, Double.NaN, release.getVersion(),
            "the release in service (" + release.getVersion() + ") has other classes; not comparable");
      }
      double currentScore = accuracy(current);
      boolean passed = candidateScore >= currentScore;
      return new GateDecision(passed, candidateScore, currentScore, release.getVersion(),
          passed ? "candidate is not worse than " + release.getVersion() : "candidate is worse than " + release.getVersion() + "; not published");
    }
  }

  /** Top-1 accuracy on the validation clips, fed as the model's metadata describes. */
  private double accuracy(OnnxModel model) {
    ClipSampler sampler = new ClipSampler(clipSpecOf(model));
    ClipSpec spec = sampler.spec();
    int per = 3 * spec.frames() * spec.size() * spec.size();
    int batch = 8;
    long correct = 0;
    for (int from = 0; from < validation.size(); from += batch) {
      int n = Math.min(batch, validation.size() - from);
      float[] input = new float[n * per];
      for (int i = 0; i < n; i++) {
        Item item = validation.get(from + i);
        ClipWindow window = sampler.centreWindow(item.video().frames(), item.video().size());
        sampler.rgb(item.video(), window, input, i * per);
      }
      OnnxModel.Outputs out = model.run(input, n);
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

  private ClipSpec clipSpecOf(OnnxModel model) {
    try {
      JsonNode input = JSON.readTree(model.metadata().get(ModelMetadata.INPUT));
      float[] mean = new float[3];
      float[] std = new float[3];
      for (int c = 0; c < 3; c++) {
        mean[c] = (float) input.get("mean").get(c).asDouble();
        std[c] = (float) input.get("std").get(c).asDouble();
      }
      return new ClipSpec(input.get("frames").asInt(), stride, input.get("height").asInt(), mean, std);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | NullPointerException e) {
      throw new IllegalStateException("model metadata has no usable " + ModelMetadata.INPUT, e);
    }
  }

  private static List<String> labels(OnnxModel model) {
    try {
      return List.of(JSON.readValue(model.metadata().get(ModelMetadata.LABELS), String[].class));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | IllegalArgumentException e) {
      throw new IllegalStateException("model metadata has no usable " + ModelMetadata.LABELS, e);
    }
  }

  private static String percent(double value) {
    return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * value);
  }
}
