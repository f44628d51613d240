package io.actionstream.training.dataset;

import io.actionstream.model.ModelSpec;
import io.actionstream.model.clip.ClipPreprocessor;
import io.actionstream.model.clip.FrameGeometry;
import io.actionstream.training.flow.FlowField;
import io.actionstream.training.dataset.PreparedDataset.Item;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cuts clips out of prepared videos and writes them as float tensors: RGB as {@code [3, T, S,
 * S]} through the shared {@link ClipPreprocessor#normalize} (so the values are exactly those
 * serving computes); flow as {@code [2, T, S, S]} in [-1, 1], the flow at position k being the
 * motion from frame k to the next decoded frame. Training clips start at a random frame, are
 * cropped at a random place and mirrored half of the time; evaluation clips take the centre
 * crop that serving takes. A mirrored clip has its flow's x component negated.
 */
public final class ClipSampler {

  private final ClipSpec spec;

  public ClipSampler(ClipSpec spec) {
    this.spec = spec;
  }

  public ClipSpec spec() {
    return spec;
  }

  public ModelSpec model() {
    return spec.model();
  }

  /** A random window for training. */
  public ClipWindow randomWindow(DecodedVideo video, Random random) {
    int start = random.nextInt(Math.max(1, video.frames() - spec.span() + 1));
    int x = random.nextInt(Math.max(1, video.width() - spec.size() + 1));
    int y = random.nextInt(Math.max(1, video.height() - spec.size() + 1));
    return new ClipWindow(start, x, y, random.nextBoolean(), false);
  }

  /** The centred window for evaluation: the crop serving takes. */
  public ClipWindow centreWindow(DecodedVideo video) {
    int start = Math.max(0, (video.frames() - spec.span()) / 2);
    ClipPreprocessor.Crop crop = ClipPreprocessor.crop(spec.model(), video.geometry());
    if (crop.width() != video.width() || crop.height() != video.height()) {
      throw new IllegalStateException("the video was prepared at " + video.width() + "x" + video.height() + " but the model resizes to "
          + crop.width() + "x" + crop.height());
    }
    return new ClipWindow(start, crop.x(), crop.y(), false, false);
  }

  /** Maps the window's clip pixels to normalized source coordinates (not for mirrored windows). */
  public FrameGeometry geometry(DecodedVideo video, ClipWindow window) {
    return ClipPreprocessor.geometry(video.geometry(), spec.model(), window.cropX(), window.cropY());
  }

  /** The decoded frame shown at clip position {@code k}. */
  public int frameAt(ClipWindow window, int k, int videoFrames) {
    int position = window.reversed() ? spec.frames() - 1 - k : k;
    return Math.min(videoFrames - 1, window.start() + position * spec.stride());
  }

  /** Writes the RGB clip at {@code out[offset ..]}. */
  public void rgb(DecodedVideo video, ClipWindow window, float[] out, int offset) {
    int s = spec.size();
    for (int k = 0; k < spec.frames(); k++) {
      byte[] pixels = video.picture(frameAt(window, k, video.frames())).crop(window.cropX(), window.cropY(), s, s, window.flip());
      ClipPreprocessor.normalize(pixels, spec.model(), out, offset, k);
    }
  }

  /**
   * Writes the flow clip at {@code out[offset ..]}. Backwards clips take the motion into each
   * frame from its successor, negated: what the reversed video would show.
   */
  public void flow(FlowField field, ClipWindow window, int videoFrames, float[] out, int offset) {
    int t = spec.frames();
    int s = spec.size();
    var values = field.values();
    for (int k = 0; k < t; k++) {
      int frame = frameAt(window, k, videoFrames);
      int pair = window.reversed() ? Math.max(0, frame - 1) : frame;
      pair = Math.min(pair, field.pairs() - 1);
      float sign = window.reversed() ? -1f : 1f;
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          int sourceX = window.flip() ? window.cropX() + s - 1 - x : window.cropX() + x;
          int p = field.offset(pair, window.cropY() + y, sourceX);
          int q = (k * s + y) * s + x;
          float dx = values.get(p) / 127f * sign;
          float dy = values.get(p + 1) / 127f * sign;
          out[offset + q] = window.flip() ? -dx : dx;
          out[offset + t * s * s + q] = dy;
        }
      }
    }
  }

  /**
   * The actor's box at each clip position in normalized source coordinates {x, y, w, h}, the
   * coordinates of events; null without boxes.
   */
  public float[][] boxes(DecodedVideo video, ClipWindow window) {
    if (video.boxes() == null) {
      return null;
    }
    float[][] result = new float[spec.frames()][];
    for (int k = 0; k < spec.frames(); k++) {
      result[k] = video.boxes().at(frameAt(window, k, video.frames())).clone();
    }
    return result;
  }

  /** Up to {@code count} clips spread evenly over {@code items}, each its video's centre window, as serving sees it. */
  public List<float[]> centreClips(List<Item> items, int count) {
    int n = Math.min(count, items.size());
    List<float[]> clips = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Item item = items.get(i * items.size() / n);
      float[] clip = new float[model().clipValues()];
      rgb(item.video(), centreWindow(item.video()), clip, 0);
      clips.add(clip);
    }
    return clips;
  }
}
