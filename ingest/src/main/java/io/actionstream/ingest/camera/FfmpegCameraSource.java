package io.actionstream.ingest.camera;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegLogCallback;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.OpenCVFrameConverter;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CameraSource} on FFmpeg through JavaCV: files, RTSP/HTTP/UDP/... URLs and V4L2
 * devices. Decoding uses the camera's decoder threads (0: FFmpeg's automatic count); the BGR
 * conversion also does the scaling, so a frame is touched once between the decoder and the encoder.
 *
 * <p>Network inputs get an I/O timeout, so that a stream that stalls fails (and is reconnected)
 * instead of blocking its camera thread forever.
 */
public final class FfmpegCameraSource implements CameraSource {

  private static final Logger log = LoggerFactory.getLogger(FfmpegCameraSource.class);
  private static final Pattern FFMPEG_ERROR = Pattern.compile("error (-\\d+)");
  /** Microseconds an idle network read may take before the stream counts as broken. */
  private static final String NETWORK_TIMEOUT_US = "5000000";
  private static final java.util.Set<String> SOCKET_TIMEOUT_SCHEMES =
      java.util.Set.of("udp", "rtp", "rtsp", "rtsps", "tcp");

  static {
    // FFmpeg writes to stderr by default; route it through our logging at error level only.
    FFmpegLogCallback.setLevel(avutil.AV_LOG_ERROR);
    FFmpegLogCallback.set();
  }

  private final String cameraId;
  private final CameraUri uri;
  private final Map<String, String> options;
  private final int decoderThreads;
  private final OpenCVFrameConverter.ToMat converter = new OpenCVFrameConverter.ToMat();
  private FFmpegFrameGrabber grabber;

  /** A source whose decoder runs {@code decoderThreads} threads, or as many as FFmpeg chooses when 0. */
  public FfmpegCameraSource(String cameraId, CameraUri uri, Map<String, String> options, int decoderThreads) {
    if (decoderThreads < 0) {
      throw new IllegalArgumentException("decoder threads must be 0 (FFmpeg chooses) or more, got " + decoderThreads);
    }
    this.cameraId = cameraId;
    this.uri = uri;
    this.options = Map.copyOf(options);
    this.decoderThreads = decoderThreads;
  }

  @Override
  public SourceFormat open() throws CameraException {
    close();
    if (uri.kind() == CameraUri.Kind.FILE) {
      Path file = Path.of(uri.input());
      if (!Files.isRegularFile(file)) {
        throw new CameraException(describe() + ": file does not exist: " + file);
      }
      if (!Files.isReadable(file)) {
        throw new CameraException(describe() + ": file is not readable: " + file);
      }
    }
    FFmpegFrameGrabber candidate = new FFmpegFrameGrabber(uri.input());
    if (uri.format() != null) {
      candidate.setFormat(uri.format());
    }
    if (uri.kind() == CameraUri.Kind.STREAM) {
      // rw_timeout covers protocols with non-blocking sockets (http, tcp, rtmp, ...); UDP, RTP
      // and RTSP block inside the protocol and only honour their own "timeout".
      candidate.setOption("rw_timeout", NETWORK_TIMEOUT_US);
      if (SOCKET_TIMEOUT_SCHEMES.contains(uri.scheme())) {
        candidate.setOption("timeout", NETWORK_TIMEOUT_US);
      }
    }
    options.forEach(candidate::setOption);
    if (decoderThreads > 0) {
      // a codec option: JavaCV asks for FFmpeg's automatic count, which this overrides
      candidate.setVideoOption("threads", Integer.toString(decoderThreads));
    }
    candidate.setImageMode(FrameGrabber.ImageMode.COLOR);
    try {
      candidate.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      release(candidate);
      throw new CameraException(describe() + ": cannot open: " + explain(e), e);
    }
    if (!candidate.hasVideo() || candidate.getImageWidth() <= 0) {
      release(candidate);
      throw new CameraException(describe() + ": the source has no video stream");
    }
    grabber = candidate;
    SourceFormat format =
        new SourceFormat(
            candidate.getImageWidth(),
            candidate.getImageHeight(),
            candidate.getFrameRate(),
            candidate.getVideoCodecName());
    log.debug("Camera '{}' opened {}: {}", cameraId, uri, format);
    return format;
  }

  @Override
  public void scaleTo(int width, int height) {
    requireOpen();
    grabber.setImageWidth(width);
    grabber.setImageHeight(height);
  }

  @Override
  public GrabbedImage grab() throws CameraException {
    requireOpen();
    try {
      while (true) {
        Frame frame = grabber.grabImage();
        if (frame == null) {
          return null;
        }
        Mat image = converter.convert(frame);
        if (image != null) {
          return new GrabbedImage(image, frame.timestamp);
        }
      }
    } catch (FrameGrabber.Exception | RuntimeException e) {
      throw new CameraException(describe() + ": read failed: " + explain(e), e);
    }
  }

  @Override
  public void close() {
    if (grabber != null) {
      release(grabber);
      grabber = null;
    }
  }

  private void requireOpen() {
    if (grabber == null) {
      throw new IllegalStateException("camera '" + cameraId + "' is not open");
    }
  }

  private String describe() {
    return "camera '" + cameraId + "' (" + uri.redacted() + ")";
  }

  private static void release(FFmpegFrameGrabber grabber) {
    try {
      grabber.release();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      log.debug("Releasing grabber failed: {}", e.toString());
    }
  }

  /** Turns "avformat_open_input() error -111: ..." into "Connection refused (FFmpeg error -111)". */
  static String explain(Exception e) {
    String message = String.valueOf(e.getMessage());
    Matcher m = FFMPEG_ERROR.matcher(message);
    if (m.find()) {
      int code = Integer.parseInt(m.group(1));
      try (BytePointer text = new BytePointer(256)) {
        if (avutil.av_strerror(code, text, 256) == 0) {
          return text.getString() + " (FFmpeg error " + code + ")";
        }
      }
    }
    return message;
  }
}
