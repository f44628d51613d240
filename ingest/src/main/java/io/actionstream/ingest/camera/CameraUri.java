package io.actionstream.ingest.camera;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Where a camera's frames come from, as FFmpeg needs it: the input to open, the demuxer to
 * force (for devices), and whether the source is live (reconnected when it drops) or a file
 * (stopped or looped at its end).
 *
 * <p>Accepted forms: a file path or {@code file:} URI; {@code rtsp}, {@code rtsps}, {@code
 * rtmp}, {@code http}, {@code https}, {@code udp}, {@code tcp}, {@code srt} and {@code rtp}
 * URLs; a V4L2 device as {@code /dev/videoN} or {@code v4l2:///dev/videoN}.
 */
public record CameraUri(Kind kind, String input, String format, String original) {

  /** The three kinds of source, which differ in how the end of a stream is treated. */
  public enum Kind {
    FILE,
    STREAM,
    DEVICE
  }

  private static final Set<String> STREAM_SCHEMES =
      Set.of("rtsp", "rtsps", "rtmp", "rtmps", "http", "https", "udp", "tcp", "srt", "rtp");

  /** Parses a configured URI; throws {@link IllegalArgumentException} with the reason. */
  public static CameraUri parse(String text) {
    String value = text.trim();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (value.startsWith("/dev/video")) {
      return new CameraUri(Kind.DEVICE, value, "video4linux2", value);
    }
    int colon = value.indexOf(':');
    boolean hasScheme = colon > 1 && value.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    if (!hasScheme) {
      return new CameraUri(Kind.FILE, Path.of(value).toAbsolutePath().normalize().toString(), null, value);
    }
    String scheme = value.substring(0, colon).toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      try {
        return new CameraUri(Kind.FILE, Path.of(new URI(value)).toString(), null, value);
      } catch (URISyntaxException | IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + value + "' is not a valid file URI", e);
      }
    }
    if (scheme.equals("v4l2")) {
      String device = value.substring("v4l2://".length());
      if (!device.startsWith("/dev/")) {
        throw new IllegalArgumentException("'" + value + "': expected v4l2:///dev/videoN");
      }
      return new CameraUri(Kind.DEVICE, device, "video4linux2", value);
    }
    if (STREAM_SCHEMES.contains(scheme)) {
      return new CameraUri(Kind.STREAM, value, null, value);
    }
    throw new IllegalArgumentException(
        "unsupported scheme '"
            + scheme
            + "' in '"
            + redact(value)
            + "'; use a file path, /dev/videoN, v4l2://, or one of "
            + STREAM_SCHEMES);
  }

  /** The URI scheme in lower case, e.g. {@code rtsp}; {@code file} for paths, {@code v4l2} for devices. */
  public String scheme() {
    return switch (kind) {
      case FILE -> "file";
      case DEVICE -> "v4l2";
      case STREAM -> original.substring(0, original.indexOf(':')).toLowerCase(Locale.ROOT);
    };
  }

  /** A live source is reconnected when it drops; a file ends (or loops). */
  public boolean live() {
    return kind != Kind.FILE;
  }

  /** The URI with any password removed, safe for logs and error messages. */
  public String redacted() {
    return redact(original);
  }

  @Override
  public String toString() {
    return redacted();
  }

  private static String redact(String value) {
    return value.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]+):[^@/]*@", "$1:***@");
  }
}
