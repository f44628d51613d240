package io.actionstream.ingest.config;

import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import java.util.Map;

/**
 * The settings of a camera that can be given once under {@code defaults} and overridden per
 * camera: how often to sample, what size to publish at, and how to treat the end of the stream.
 *
 * @param fps target frame rate; frames are kept by their timestamps
 * @param width width of the published frames in pixels
 * @param height height of the published frames in pixels
 * @param resize how the source is fitted into width x height
 * @param encoding how the frames' pixels are published: JPEG, raw BGR24 (no encode here and no
 *     decode in the inference, about eight times the bytes), or I420 (planar YUV 4:2:0, half of
 *     BGR24's bytes, for a colour conversion here and in the inference)
 * @param jpegQuality JPEG quality, 1-100
 * @param loop for file sources: start again at the end instead of stopping
 * @param realtime for file sources: publish at the speed the video was recorded at, as a camera
 *     would; false reads as fast as possible (tests, benchmarks, backfills)
 * @param backoff waits between reconnect attempts of a live source
 * @param decoderThreads threads of the camera's video decoder; 0 lets FFmpeg choose (about one
 *     per core, decoding several frames at once), which suits a few large streams; many small
 *     cameras on few cores spend less CPU with 1 each (no hand-over between decoder threads)
 * @param options FFmpeg options passed to the demuxer, e.g. {@code rtsp_transport: tcp}
 */
public record CameraSettings(
    double fps,
    int width,
    int height,
    ResizeMode resize,
    ImageFormat encoding,
    int jpegQuality,
    boolean loop,
    boolean realtime,
    Backoff backoff,
    int decoderThreads,
    Map<String, String> options) {

  /** What a camera gets when neither it nor {@code defaults} says otherwise. */
  public static final CameraSettings BUILT_IN =
      new CameraSettings(8, FrameEncodings.DEFAULT.getWidth(), FrameEncodings.DEFAULT.getHeight(),
          ResizeMode.of(FrameEncodings.DEFAULT.getResizeMode()), ImageFormat.of(FrameEncodings.DEFAULT.getEncoding()),
          FrameEncodings.DEFAULT.getQuality(), false, true, Backoff.DEFAULT,
          0, Map.of());

  public CameraSettings {
    options = Map.copyOf(options);
  }
}
