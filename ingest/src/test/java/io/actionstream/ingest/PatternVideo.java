package io.actionstream.ingest;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import io.actionstream.schemas.v1.Region;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Writes real video files (FFmpeg, MPEG-4 Part 2) whose frame {@code i} shows the number {@code
 * i} as a 4x4 grid of black and white cells, one bit per cell, so that a test can read back from
 * a published JPEG which source frame it is, after decoding, scaling and re-encoding.
 */
public final class PatternVideo {

  public static final int GRID = 4;

  private PatternVideo() {}

  /** Writes {@code frames} frames of {@code width x height} at {@code fps} to {@code file}. */
  public static Path write(Path file, String format, int frames, int width, int height, double fps)
      throws Exception {
    try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), width, height, 0);
        OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
        Mat image = new Mat(height, width, CV_8UC3)) {
      recorder.setFormat(format);
      recorder.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
      recorder.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      recorder.setFrameRate(fps);
      recorder.setGopSize(10);
      recorder.setVideoQuality(2); // qscale: near-lossless, so cell edges stay sharp
      recorder.start();
      for (int i = 0; i < frames; i++) {
        draw(image, i);
        recorder.record(converter.convert(image));
      }
      recorder.stop();
    }
    return file;
  }

  private static void draw(Mat image, int index) {
    int cellW = image.cols() / GRID;
    int cellH = image.rows() / GRID;
    for (int bit = 0; bit < GRID * GRID; bit++) {
      int value = ((index >> bit) & 1) == 1 ? 255 : 0;
      try (Rect cell = new Rect((bit % GRID) * cellW, (bit / GRID) * cellH, cellW, cellH);
          Mat view = new Mat(image, cell);
          Scalar colour = new Scalar(value, value, value, 0)) {
        view.put(colour);
      }
    }
  }

  /** Reads the frame number back from a decoded frame, looking only inside {@code region}. */
  public static int readIndex(BufferedImage image, Region region) {
    int index = 0;
    for (int bit = 0; bit < GRID * GRID; bit++) {
      int x = region.getX() + (int) ((bit % GRID + 0.5) * region.getWidth() / GRID);
      int y = region.getY() + (int) ((bit / GRID + 0.5) * region.getHeight() / GRID);
      int rgb = image.getRGB(x, y);
      int grey = ((rgb >> 16 & 0xFF) + (rgb >> 8 & 0xFF) + (rgb & 0xFF)) / 3;
      if (grey > 128) {
        index |= 1 << bit;
      }
    }
    return index;
  }
}
