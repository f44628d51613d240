package io.actionstream.inference.batch;

import io.actionstream.model.ModelSpec;
import io.actionstream.schemas.v1.Frame;
import java.util.List;

/**
 * A clip on its way to the network: its frames and, usually, the tensor already prepared from
 * them (on the stream thread, in parallel with other clips) for the model spec {@code preparedFor}.
 * If the model changed meanwhile, the batcher prepares the clip again for the new one.
 */
public record ClipInput(List<Frame> frames, float[] tensor, ModelSpec preparedFor) {

  public ClipInput {
    frames = List.copyOf(frames);
  }
}
