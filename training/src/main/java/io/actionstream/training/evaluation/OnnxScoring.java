package io.actionstream.training.evaluation;

import io.actionstream.model.runtime.StudentModel;
import io.actionstream.training.dataset.ClipSampler;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.PreparedDataset.Item;
import java.util.List;

/**
 * Runs an exported model over data set clips in ONNX Runtime, each clip the centre window of its
 * video prepared by the shared preprocessing for the model's own input spec: the one way the
 * quality gate and the int8 check score an ONNX file. A model that wants other pixels than the
 * data set was prepared for fails with {@link IllegalStateException}.
 */
public final class OnnxScoring {

  private static final int BATCH = 8;

  private OnnxScoring() {}

  /** The model's outputs for every item, in order: logits {@code [n, K]}, attention {@code [n, T'H'W']}. */
  public static StudentModel.Output run(StudentModel model, List<Item> items, int stride) {
    ClipSampler sampler = new ClipSampler(new ClipSpec(model.spec(), stride));
    int per = model.spec().clipValues();
    int classes = model.spec().labels().size();
    int map = model.spec().mapSize();
    float[] logits = new float[items.size() * classes];
    float[] attention = new float[items.size() * map];
    for (int from = 0; from < items.size(); from += BATCH) {
      int n = Math.min(BATCH, items.size() - from);
      float[] input = new float[n * per];
      for (int i = 0; i < n; i++) {
        Item item = items.get(from + i);
        sampler.rgb(item.video(), sampler.centreWindow(item.video()), input, i * per);
      }
      StudentModel.Output out = model.run(input, n);
      System.arraycopy(out.logits(), 0, logits, from * classes, n * classes);
      System.arraycopy(out.attention(), 0, attention, from * map, n * map);
    }
    return new StudentModel.Output(items.size(), logits, attention);
  }

  /** Whether the model's top class is each item's label. */
  public static boolean[] correct(StudentModel model, List<Item> items, int stride) {
    int[] predicted = predictions(run(model, items, stride));
    boolean[] correct = new boolean[items.size()];
    for (int i = 0; i < correct.length; i++) {
      correct[i] = predicted[i] == items.get(i).sample().label();
    }
    return correct;
  }

  /** The top class of each clip of {@code output}. */
  public static int[] predictions(StudentModel.Output output) {
    int classes = output.n() == 0 ? 0 : output.logits().length / output.n();
    int[] best = new int[output.n()];
    for (int i = 0; i < output.n(); i++) {
      for (int c = 1; c < classes; c++) {
        if (output.logits()[i * classes + c] > output.logits()[i * classes + best[i]]) {
          best[i] = c;
        }
      }
    }
    return best;
  }

  /** The share of true values; NaN for none. */
  public static double accuracy(boolean[] correct) {
    int right = 0;
    for (boolean c : correct) {
      right += c ? 1 : 0;
    }
    return correct.length == 0 ? Double.NaN : (double) right / correct.length;
  }
}
