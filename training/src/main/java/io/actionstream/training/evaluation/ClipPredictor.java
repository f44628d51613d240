package io.actionstream.training.evaluation;

import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.ClipWindow;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.distill.TrainedModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs a trained network over clips cut at the centre of each video (the evaluation protocol),
 * optionally also played backwards, and collects {@link ClipResult}s.
 */
public final class ClipPredictor {

  private ClipPredictor() {}

  /** The results of one pass, twice: with each clip's motion map, and with its appearance map. */
  public record Predictions(List<ClipResult> motion, List<ClipResult> appearance) {}

  public static List<ClipResult> predict(TrainedModel model, List<Item> items, ClipSampler sampler, int batchSize, boolean reversal) {
    return predictBothMaps(model, items, sampler, batchSize, reversal).motion();
  }

  /** As {@link #predict(TrainedModel, List, ClipSampler, int, boolean)}, keeping both of each clip's maps from the same pass. */
  public static Predictions predictBothMaps(TrainedModel model, List<Item> items, ClipSampler sampler, int batchSize, boolean reversal) {
    List<ClipResult> motion = new ArrayList<>();
    List<ClipResult> appearance = new ArrayList<>();
    ClipSpec spec = sampler.spec();
    int per = model.role().channels() * spec.frames() * spec.size() * spec.size();
    for (int from = 0; from < items.size(); from += batchSize) {
      int n = Math.min(batchSize, items.size() - from);
      List<Item> batch = items.subList(from, from + n);
      TrainedModel.Outputs forward = run(model, batch, sampler, per, false);
      TrainedModel.Outputs backward = reversal ? run(model, batch, sampler, per, true) : null;
      for (int i = 0; i < n; i++) {
        Item item = batch.get(i);
        ClipWindow window = sampler.centreWindow(item.video());
        int k = forward.classes();
        float[] probabilities = Arrays.copyOfRange(forward.probabilities(), i * k, (i + 1) * k);
        int label = item.sample().label();
        int predicted = argMax(probabilities);
        float[][] boxes = sampler.boxes(item.video(), window);
        var geometry = sampler.geometry(item.video(), window);
        int reversed = backward == null ? -1 : argMax(Arrays.copyOfRange(backward.probabilities(), i * k, (i + 1) * k));
        int m = forward.mapSize();
        motion.add(new ClipResult(label, predicted, probabilities, Arrays.copyOfRange(forward.motion(), i * m, (i + 1) * m), boxes,
            geometry, reversed));
        appearance.add(new ClipResult(label, predicted, probabilities, Arrays.copyOfRange(forward.appearance(), i * m, (i + 1) * m),
            boxes, geometry, reversed));
      }
    }
    return new Predictions(motion, appearance);
  }

  private static TrainedModel.Outputs run(TrainedModel model, List<Item> batch, ClipSampler sampler, int per, boolean backwards) {
    float[] input = new float[batch.size() * per];
    for (int i = 0; i < batch.size(); i++) {
      Item item = batch.get(i);
      ClipWindow window = sampler.centreWindow(item.video());
      if (backwards) {
        window = window.backwards();
      }
      if (model.role().readsFlow()) {
        sampler.flow(item.flow(), window, item.video().frames(), input, i * per);
      } else {
        sampler.rgb(item.video(), window, input, i * per);
      }
    }
    return model.predict(input, batch.size());
  }

  static int argMax(float[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (values[i] > values[best]) {
        best = i;
      }
    }
    return best;
  }
}
