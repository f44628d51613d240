package io.actionstream.training.export;

import io.actionstream.training.dataset.ClipSpec;
import java.util.List;

/**
 * What the exported ONNX file says about itself, so that inference needs nothing else: model
 * name and version, class labels in logit order, and the input spec (frames, size, frame rate,
 * normalization, layout).
 *
 * <p>Keys in the ONNX metadata ({@code metadata_props}):
 *
 * <ul>
 *   <li>{@code actionstream.model_name}, {@code actionstream.version}: strings
 *   <li>{@code actionstream.labels}: JSON array of class names, index i names logit i
 *   <li>{@code actionstream.input}: JSON object {@code {"name":"clip","layout":"NCTHW",
 *       "channels":3,"frames":16,"height":112,"width":112,"fps":8.0,"mean":[..],"std":[..],
 *       "resize":"short-side-centre-crop","resize_short_side":128}}: each frame scaled so its
 *       shorter side is resize_short_side pixels, the centre height x width kept, RGB scaled
 *       to [0,1] and normalized with mean and std (exactly how the test split was evaluated)
 *   <li>{@code actionstream.gflops}: floating-point operations per clip, in billions (for benchmarks)
 *   <li>{@code actionstream.attention}: JSON object {@code {"name":"attention","frames":4,
 *       "height":14,"width":14}}: the motion attention map over the clip, summing to 1
 * </ul>
 */
public record ModelMetadata(
    String modelName, String version, List<String> labels, ClipSpec clip, double fps, int resizeShortSide, double gflops,
    String description) {

  /** Frames are scaled so the short side is {@code resize_short_side}, then centre-cropped. */
  public static final String RESIZE_SHORT_SIDE_CENTRE_CROP = "short-side-centre-crop";

  public static final String MODEL_NAME = "actionstream.model_name";
  public static final String VERSION = "actionstream.version";
  public static final String LABELS = "actionstream.labels";
  public static final String INPUT = "actionstream.input";
  public static final String ATTENTION = "actionstream.attention";
  public static final String GFLOPS = "actionstream.gflops";

  public ModelMetadata {
    labels = List.copyOf(labels);
  }
}
