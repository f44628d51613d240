package io.actionstream.inference.batch;

import io.actionstream.inference.image.FramePixels;
import io.actionstream.model.ModelSpec;
import io.actionstream.schemas.v1.Frame;
import java.util.List;

/**
 * A clip on its way to the network: its frames and, usually, each frame's pixels already prepared
 * (resized and cropped when the frame arrived) for the model spec {@code preparedFor}, which the
 * batcher copies into its batch as they are; the network normalizes them itself. If the model
 * changed meanwhile, or {@code pixels} is null, the batcher prepares the frames for the current one.
 */
public record ClipInput(List<Frame> frames, List<FramePixels> pixels, ModelSpec preparedFor) {

  public ClipInput {
    frames = List.copyOf(frames);
    pixels = pixels == null ? null : List.copyOf(pixels);
  }
}
