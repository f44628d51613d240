package io.actionstream.training.flow;

import org.bytedeco.opencv.global.opencv_optflow;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_video.DISOpticalFlow;
import org.bytedeco.opencv.opencv_video.DenseOpticalFlow;

/**
 * Dense optical flow between two 8-bit grey frames, with OpenCV: a two-channel float image of
 * per-pixel (dx, dy) displacements. Not thread-safe; one instance per thread.
 */
public final class OpticalFlow implements AutoCloseable {

  private final DenseOpticalFlow algorithm;
  private final org.bytedeco.opencv.opencv_optflow.DualTVL1OpticalFlow tvl1;

  public OpticalFlow(FlowMethod method) {
    if (method == FlowMethod.TVL1) {
      tvl1 = opencv_optflow.createOptFlow_DualTVL1();
      algorithm = null;
    } else {
      algorithm = DISOpticalFlow.create(DISOpticalFlow.PRESET_MEDIUM);
      tvl1 = null;
    }
  }

  /** Computes the flow from {@code previous} to {@code next} into {@code flow} (CV_32FC2). */
  public void compute(Mat previous, Mat next, Mat flow) {
    if (tvl1 != null) {
      tvl1.calc(previous, next, flow);
    } else {
      algorithm.calc(previous, next, flow);
    }
  }

  @Override
  public void close() {
    if (tvl1 != null) {
      tvl1.close();
    } else {
      algorithm.close();
    }
  }
}
