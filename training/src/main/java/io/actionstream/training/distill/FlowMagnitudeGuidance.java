package io.actionstream.training.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.actionstream.training.network.NetworkSpec;
import java.nio.FloatBuffer;

/**
 * A target map without a teacher network: the optical flow's magnitude (camera motion already
 * removed by the flow cache), averaged over each attention cell and scaled to sum to 1. If
 * distilling this does as well as distilling the teacher, the teacher's network adds nothing
 * beyond "look where things move".
 */
public final class FlowMagnitudeGuidance extends FlowGuidance {

  /** Keeps a still clip's map uniform rather than undefined. */
  private static final float FLOOR = 1e-3f;

  private final NetworkSpec spec;
  private final AttentionDistance distance;

  public FlowMagnitudeGuidance(NetworkSpec spec, AttentionDistance distance, float weight) {
    super(weight);
    this.spec = spec;
    this.distance = distance;
  }

  @Override
  public NDArray term(NDList outputs, Batch batch, NDManager manager) {
    NDArray target = manager.create(maps(batch.flow(), batch.size(), spec),
        new Shape(batch.size(), spec.mapFrames(), spec.mapHeight(), spec.mapWidth()));
    return distance.between(target, outputs.get(1));
  }

  /**
   * The target maps of {@code n} flow clips {@code [n, 2, T, H, W]}: mean flow magnitude per
   * attention cell ({@code T/T' x H/H' x W/W'} pixels), plus a floor, normalized to sum 1 per clip.
   */
  static FloatBuffer maps(float[] flow, int n, NetworkSpec spec) {
    int t = spec.frames();
    int h = spec.height();
    int w = spec.width();
    int ft = t / spec.mapFrames();
    int fh = h / spec.mapHeight();
    int fw = w / spec.mapWidth();
    int cells = spec.mapSize();
    float[] out = new float[n * cells];
    int plane = t * h * w;
    for (int c = 0; c < n; c++) {
      int base = c * 2 * plane;
      for (int z = 0; z < t; z++) {
        for (int y = 0; y < h; y++) {
          for (int x = 0; x < w; x++) {
            int i = z * h * w + y * w + x;
            float dx = flow[base + i];
            float dy = flow[base + plane + i];
            int cell = ((z / ft) * spec.mapHeight() + y / fh) * spec.mapWidth() + x / fw;
            out[c * cells + cell] += (float) Math.sqrt(dx * dx + dy * dy);
          }
        }
      }
      double sum = 0;
      for (int k = 0; k < cells; k++) {
        out[c * cells + k] = out[c * cells + k] / (ft * fh * fw) + FLOOR;
        sum += out[c * cells + k];
      }
      for (int k = 0; k < cells; k++) {
        out[c * cells + k] /= (float) sum;
      }
    }
    return FloatBuffer.wrap(out);
  }

  @Override
  public String key() {
    return "flow-magnitude " + distance + " " + weight();
  }
}
