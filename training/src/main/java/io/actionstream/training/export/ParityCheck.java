package io.actionstream.training.export;

import io.actionstream.model.ModelRefusedException;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.training.distill.TrainedModel;
import java.util.List;
import java.util.Random;

/**
 * Runs the exported model in ONNX Runtime, loaded and checked by the runner inference uses, and
 * the trained network in DJL on the same clips (random noise and real clips) and compares
 * logits and attention maps. An export whose largest
 * absolute difference exceeds {@link #TOLERANCE} is refused.
 */
public final class ParityCheck {

  public static final double TOLERANCE = 1e-4;

  /** The largest differences seen. */
  public record Result(double maxLogitDifference, double maxAttentionDifference, int clips) {
    public double max() {
      return Math.max(maxLogitDifference, maxAttentionDifference);
    }

    public boolean passed() {
      return max() <= TOLERANCE;
    }
  }

  private ParityCheck() {}

  /**
   * Compares on {@code randomClips} clips of Gaussian noise plus the given real clips (each a
   * flat {@code [C, T, H, W]} array); throws {@link ExportException} when they disagree.
   */
  public static Result check(TrainedModel model, byte[] onnx, List<float[]> realClips, int randomClips, long seed) {
    var spec = model.spec();
    int per = spec.channels() * spec.frames() * spec.height() * spec.width();
    Random random = new Random(seed);
    double logits = 0;
    double attention = 0;
    int clips = 0;
    try (StudentModel runtime = load(onnx)) {
      for (int i = 0; i < randomClips + realClips.size(); i++) {
        float[] clip;
        if (i < randomClips) {
          clip = new float[per];
          for (int j = 0; j < per; j++) {
            clip[j] = (float) random.nextGaussian();
          }
        } else {
          clip = realClips.get(i - randomClips);
        }
        TrainedModel.Outputs expected = model.predict(clip, 1);
        StudentModel.Output actual = runtime.run(clip, 1);
        logits = Math.max(logits, maxDifference(expected.logits(), actual.logits()));
        attention = Math.max(attention, maxDifference(expected.motion(), actual.attention()));
        clips++;
      }
    }
    Result result = new Result(logits, attention, clips);
    if (!result.passed()) {
      throw new ExportException(String.format(
          "ONNX export disagrees with the trained network: max |difference| %.3g in logits, %.3g in attention (tolerance %.0e) over %d clips",
          logits, attention, TOLERANCE, clips));
    }
    return result;
  }

  /**
   * Loads an export the way inference will, with every acceptance check; an export that serving
   * would refuse fails here with the same reason.
   */
  public static StudentModel load(byte[] onnx) {
    try {
      return StudentModel.load(onnx, ExecutionProvider.CPU, "the exported model");
    } catch (ModelRefusedException e) {
      throw new ExportException("inference would refuse the export (" + e.reason().label() + "): " + e.getMessage());
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    if (a.length != b.length) {
      return Double.POSITIVE_INFINITY;
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
