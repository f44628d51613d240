package io.actionstream.ingest.config;

import io.actionstream.ingest.camera.CameraUri;
import io.actionstream.ingest.image.ResizeMode;
import java.util.Map;

/**
 * Validated settings of one camera: where to read it, how often to sample it, what size to
 * publish its frames at, and how to treat the end of its stream.
 *
 * @param id camera id; the record key on the frames topic
 * @param uri where the frames come from
 * @param fps target frame rate; frames are kept by their timestamps
 * @param width width of the published frames in pixels
 * @param height height of the published frames in pixels
 * @param resize how the source is fitted into width x height
 * @param jpegQuality JPEG quality, 1-100
 * @param loop for file sources: start again at the end instead of stopping
 * @param realtime for file sources: publish at the speed the video was recorded at, as a camera
 *     would; false reads as fast as possible (tests, benchmarks, backfills)
 * @param backoff waits between reconnect attempts of a live source
 * @param options FFmpeg options passed to the demuxer, e.g. {@code rtsp_transport: tcp}
 */
public record CameraConfig(
    String id,
    CameraUri uri,
    double fps,
    int width,
    int height,
    ResizeMode resize,
    int jpegQuality,
    boolean loop,
    boolean realtime,
    Backoff backoff,
    Map<String, String> options) {

  public CameraConfig {
    options = Map.copyOf(options);
  }
}
