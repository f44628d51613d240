package io.actionstream.ingest.camera;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded image of a source: 8-bit BGR pixels at the size the source was asked to scale to,
 * and its presentation time in the stream. The pixels belong to the source and are overwritten
 * by the next {@link CameraSource#grab()}.
 */
public record GrabbedImage(Mat bgr, long mediaTimeUs) {}
