package io.actionstream.training.export;

import io.actionstream.model.Precision;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.evaluation.OnnxScoring;
import java.util.List;
import java.util.Locale;

/**
 * Compares an int8 model with the fp32 model it was quantized from, both loaded by the runner
 * inference uses (so an int8 file serving would refuse fails here with the same reason) and fed
 * the same clips: top-1 of each, how often their top classes agree, and the largest differences
 * in logits and attention maps. {@link #require} refuses an int8 model whose validation top-1 is
 * more than {@link #MAX_TOP1_DROP} below fp32's: the decision reads validation clips only, as the
 * quality gate does; test-split figures are for the report.
 */
public final class QuantizationCheck {

  /** The largest top-1 drop (a share: one point) an int8 model may have against its fp32 source. */
  public static final double MAX_TOP1_DROP = 0.01;

  /** fp32 and int8 on the same clips. */
  public record Comparison(int clips, double fp32Top1, double int8Top1, double agreement, double maxLogitDifference,
      double maxAttentionDifference) {
    /** int8 top-1 minus fp32 top-1 (a share). */
    public double top1Change() {
      return int8Top1 - fp32Top1;
    }

    public String summary() {
      return String.format(Locale.ROOT,
          "%d clips: top-1 fp32 %.1f%%, int8 %.1f%% (%+.1f points); same top class on %.1f%%; max |difference| %.3g in logits, %.3g in attention",
          clips, 100 * fp32Top1, 100 * int8Top1, 100 * top1Change(), 100 * agreement, maxLogitDifference, maxAttentionDifference);
    }
  }

  private QuantizationCheck() {}

  /** Scores both models on {@code items} (centre windows, {@code stride} as in training). */
  public static Comparison compare(byte[] fp32, byte[] int8, List<Item> items, int stride) {
    StudentModel.Output reference;
    StudentModel.Output quantized;
    try (StudentModel model = ParityCheck.load(fp32)) {
      reference = OnnxScoring.run(model, items, stride);
    }
    try (StudentModel model = ParityCheck.load(int8)) {
      if (model.spec().precision() != Precision.INT8) {
        throw new ExportException("the quantized model's metadata says " + model.spec().precision().label() + ", not int8");
      }
      quantized = OnnxScoring.run(model, items, stride);
    }
    int[] a = OnnxScoring.predictions(reference);
    int[] b = OnnxScoring.predictions(quantized);
    int fp32Right = 0;
    int int8Right = 0;
    int same = 0;
    for (int i = 0; i < items.size(); i++) {
      int label = items.get(i).sample().label();
      fp32Right += a[i] == label ? 1 : 0;
      int8Right += b[i] == label ? 1 : 0;
      same += a[i] == b[i] ? 1 : 0;
    }
    double n = items.size();
    return new Comparison(items.size(), fp32Right / n, int8Right / n, same / n,
        maxDifference(reference.logits(), quantized.logits()), maxDifference(reference.attention(), quantized.attention()));
  }

  /**
   * @throws ExportException when the int8 model loses more than {@link #MAX_TOP1_DROP} of top-1 on
   *     the validation clips, or there are none to decide on
   */
  public static void require(Comparison validation) {
    if (validation.clips() == 0) {
      throw new ExportException("no validation clips to check the int8 model on");
    }
    if (validation.top1Change() < -MAX_TOP1_DROP - 1e-12) {
      throw new ExportException(String.format(Locale.ROOT,
          "the int8 model loses %.1f points of validation top-1 (allowed: %.1f): %s", -100 * validation.top1Change(),
          100 * MAX_TOP1_DROP, validation.summary()));
    }
  }

  private static double maxDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
