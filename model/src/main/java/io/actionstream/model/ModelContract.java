package io.actionstream.model;

import java.util.Set;

/**
 * The names both sides of the model file agree on: its tensors, the keys of its metadata and the
 * words those values use. Training writes a model with these names and inference, the quality
 * gate and the parity check read it with them; nothing else spells them.
 */
public final class ModelContract {

  /** The input tensor: float32 {@code [N, 3, T, H, W]}. */
  public static final String INPUT = "clip";
  /**
   * The input serving feeds instead ({@link io.actionstream.model.runtime.PixelInput}, added by
   * the runner, never in a file): uint8 {@code [N, T, H, W, 3]}, each frame's prepared BGR crop.
   */
  public static final String PIXELS = "pixels";
  /** The class scores: float32 {@code [N, K]}, before softmax. */
  public static final String LOGITS = "logits";
  /** The motion attention map: float32 {@code [N, T', H', W']}, summing to 1 per clip. */
  public static final String ATTENTION = "attention";

  /** Metadata key: the model's name (a string). */
  public static final String MODEL_NAME_KEY = "actionstream.model_name";
  /** Metadata key: the model's version (a string). */
  public static final String VERSION_KEY = "actionstream.version";
  /** Metadata key: JSON array of class names, index i names logit i. */
  public static final String LABELS_KEY = "actionstream.labels";
  /** Metadata key: the input spec, the {@code InputSpec} message as JSON. */
  public static final String INPUT_KEY = "actionstream.input";
  /** Metadata key: the attention output's shape, the {@code AttentionSpec} message as JSON. */
  public static final String ATTENTION_KEY = "actionstream.attention";
  /** Metadata key: floating-point operations per clip, in billions (for benchmarks). */
  public static final String GFLOPS_KEY = "actionstream.gflops";
  /** Metadata key: the convolutions' number format, a {@link Precision} label; absent means fp32. */
  public static final String PRECISION_KEY = "actionstream.precision";

  /** Tensor layout of the input. */
  public static final String LAYOUT = "NCTHW";
  /** Channel order of the input. */
  public static final String CHANNEL_ORDER = "RGB";

  /** Resize: the shorter side to {@code resize_short_side}, then the centre {@code height x width}. */
  public static final String SHORT_SIDE_CENTRE_CROP = "short-side-centre-crop";
  /** Resize: the whole picture to {@code height x width}. */
  public static final String STRETCH = "stretch";
  /** Interpolation: bilinear (OpenCV {@code INTER_LINEAR}). */
  public static final String LINEAR = "linear";
  /** Interpolation: pixel-area averaging (OpenCV {@code INTER_AREA}). */
  public static final String AREA = "area";

  public static final Set<String> RESIZES = Set.of(SHORT_SIDE_CENTRE_CROP, STRETCH);
  public static final Set<String> INTERPOLATIONS = Set.of(LINEAR, AREA);

  private ModelContract() {}
}
