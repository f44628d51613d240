package io.actionstream.inference.topology;

import io.actionstream.schemas.v1.Frame;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A validated frame on its way from validation to clip assembly: the message, the record's bytes
 * it was parsed from (stored as they are, so that nothing encodes the frame again), and the image
 * validation decoded; whoever receives it closes it, which frees the image.
 */
public record DecodedFrame(Frame frame, byte[] encoded, Mat image) implements AutoCloseable {

  @Override
  public void close() {
    image.close();
  }
}
