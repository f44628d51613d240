package io.actionstream.model;

import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.schemas.v1.InputSpec;
import java.util.List;

/** Model specs for tests, built the way training builds them, with the knobs tests turn. */
public final class TestSpecs {

  private TestSpecs() {}

  /** A spec with the given input and attention size; mean and std the same for every channel. */
  public static ModelSpec spec(int frames, int height, int width, String resize, int shortSide, int mapFrames, int mapHeight,
      int mapWidth, float mean, float std) {
    return new ModelSpec("m", "1", List.of("a", "b"), input(frames, height, width, resize, shortSide, mean, std, 8),
        ModelSpec.attention(mapFrames, mapHeight, mapWidth), 0);
  }

  public static InputSpec input(int frames, int height, int width, String resize, int shortSide, float mean, float std, double fps) {
    return ModelSpec.input(frames, height, width, fps, new float[] {mean, mean, mean}, new float[] {std, std, std}, shortSide,
        FrameEncodings.DEFAULT).toBuilder().setResize(resize).build();
  }
}
