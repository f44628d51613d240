package io.actionstream.inference.topology;

import io.actionstream.schemas.v1.Frame;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A validated frame on its way from validation to clip assembly, with the image validation
 * decoded (null for an uncompressed BGR24 or I420 frame, which needs no decoding); whoever
 * receives it closes it, which frees the image.
 */
public record DecodedFrame(Frame frame, Mat image) implements AutoCloseable {

  @Override
  public void close() {
    if (image != null) {
      image.close();
    }
  }
}
