package io.actionstream.training.dataset;

import io.actionstream.training.flow.FlowField;
import java.util.Random;

/**
 * Cuts clips out of decoded videos and writes them as float tensors: RGB as {@code [3, T, S,
 * S]}, normalized with the spec's mean and std; flow as {@code [2, T, S, S]} in [-1, 1], the
 * flow at position k being the motion from frame k to the next decoded frame. Training clips
 * start at a random frame, are cropped at a random place and mirrored half of the time;
 * evaluation clips are centred. A mirrored clip has its flow's x component negated.
 */
public final class ClipSampler {

  private final ClipSpec spec;

  public ClipSampler(ClipSpec spec) {
    this.spec = spec;
  }

  public ClipSpec spec() {
    return spec;
  }

  /** A random window for training. */
  public ClipWindow randomWindow(int videoFrames, int videoSize, Random random) {
    int start = random.nextInt(Math.max(1, videoFrames - spec.span() + 1));
    int range = Math.max(1, videoSize - spec.size() + 1);
    return new ClipWindow(start, random.nextInt(range), random.nextInt(range), random.nextBoolean(), false);
  }

  /** The centred window for evaluation. */
  public ClipWindow centreWindow(int videoFrames, int videoSize) {
    int start = Math.max(0, (videoFrames - spec.span()) / 2);
    int offset = Math.max(0, (videoSize - spec.size()) / 2);
    return new ClipWindow(start, offset, offset, false, false);
  }

  /** The decoded frame shown at clip position {@code k}. */
  public int frameAt(ClipWindow window, int k, int videoFrames) {
    int position = window.reversed() ? spec.frames() - 1 - k : k;
    return Math.min(videoFrames - 1, window.start() + position * spec.stride());
  }

  /** Writes the RGB clip at {@code out[offset ..]}. */
  public void rgb(DecodedVideo video, ClipWindow window, float[] out, int offset) {
    int t = spec.frames();
    int s = spec.size();
    float[] mean = spec.mean();
    float[] std = spec.std();
    var pixels = video.pixels();
    for (int k = 0; k < t; k++) {
      int frame = frameAt(window, k, video.frames());
      for (int y = 0; y < s; y++) {
        for (int x = 0; x < s; x++) {
          int sourceX = window.flip() ? window.cropX() + s - 1 - x : window.cropX() + x;
          int p = video.offset(frame, window.cropY() + y, sourceX);
          int q = (k * s + y) * s + x;
          for (int c = 0; c < 3; c++) {
            out[offset + c * t * s * s + q] = ((pixels.get(p + c) & 0xFF) / 255f - mean[c]) / std[c];
          }
        }
      }
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

  /** The actor's box at each clip position, in clip pixels {x, y, w, h}; null without boxes. */
  public float[][] boxes(DecodedVideo video, ClipWindow window) {
    if (video.boxes() == null) {
      return null;
    }
    int s = spec.size();
    float[][] result = new float[spec.frames()][];
    for (int k = 0; k < spec.frames(); k++) {
      float[] b = video.boxes().at(frameAt(window, k, video.frames()));
      float x0 = Math.max(0, b[0] - window.cropX());
      float y0 = Math.max(0, b[1] - window.cropY());
      float x1 = Math.min(s, b[0] + b[2] - window.cropX());
      float y1 = Math.min(s, b[1] + b[3] - window.cropY());
      if (window.flip()) {
        float fx0 = s - x1;
        x1 = s - x0;
        x0 = fx0;
      }
      result[k] = new float[] {x0, y0, Math.max(0, x1 - x0), Math.max(0, y1 - y0)};
    }
    return result;
  }
}
