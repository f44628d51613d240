package io.actionstream.viewer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;

/**
 * The viewer's settings, checked once at start-up ({@link #validate}); every message names the
 * setting by its command-line flag.
 *
 * @param kafka Kafka client properties (bootstrap.servers, security.protocol, ssl.*, sasl.*, ...)
 * @param framesTopic the frames to show
 * @param eventsTopic the events to draw over them
 * @param host the address to serve on; loopback unless a token is given
 * @param port the port; 0 for any free port
 * @param token the secret every request must carry (header {@code Authorization: Bearer TOKEN},
 *     or {@code ?token=TOKEN}); null for none, which only loopback allows
 * @param history events kept per camera (the page's strip and the enlarged camera's list)
 * @param maxFrameRate most frames per second pushed per camera; the rest are skipped
 * @param maxCameras cameras kept; the one seen longest ago is forgotten first
 */
public record ViewerConfig(Map<String, String> kafka, String framesTopic, String eventsTopic, String host, int port, String token,
    int history, double maxFrameRate, int maxCameras) {

  public ViewerConfig {
    kafka = Map.copyOf(kafka);
  }

  /** Loopback, port 9403, no token, 20 events, 8 frames/s, 256 cameras. */
  public static ViewerConfig defaults(Map<String, String> kafka) {
    return new ViewerConfig(kafka, "frames", "action-events", "127.0.0.1", 9403, null, 20, 8, 256);
  }

  public ViewerConfig withHost(String value) {
    return new ViewerConfig(kafka, framesTopic, eventsTopic, value, port, token, history, maxFrameRate, maxCameras);
  }

  public ViewerConfig withPort(int value) {
    return new ViewerConfig(kafka, framesTopic, eventsTopic, host, value, token, history, maxFrameRate, maxCameras);
  }

  public ViewerConfig withToken(String value) {
    return new ViewerConfig(kafka, framesTopic, eventsTopic, host, port, value, history, maxFrameRate, maxCameras);
  }

  public ViewerConfig withLimits(int historyValue, double maxFrameRateValue, int maxCamerasValue) {
    return new ViewerConfig(kafka, framesTopic, eventsTopic, host, port, token, historyValue, maxFrameRateValue, maxCamerasValue);
  }

  /** Checks every setting; the message names the first one at fault. */
  public ViewerConfig validate() {
    if (kafka.getOrDefault("bootstrap.servers", "").isBlank()) {
      throw new IllegalArgumentException("--bootstrap-servers is required");
    }
    check(port >= 0 && port <= 65_535, "--port must be between 0 and 65535, got " + port);
    check(history >= 1 && history <= 1_000, "--history must be between 1 and 1000, got " + history);
    check(maxFrameRate > 0 && maxFrameRate <= 60, "--max-fps must be above 0 and at most 60, got " + maxFrameRate);
    check(maxCameras >= 1 && maxCameras <= 10_000, "--max-cameras must be between 1 and 10000, got " + maxCameras);
    check(token == null || token.length() >= 12, "--token must be at least 12 characters");
    if (token == null && !loopback()) {
      throw new IllegalArgumentException("--token (or ACTIONSTREAM_VIEWER_TOKEN) is required to serve on " + host
          + ", which is not a loopback address: without it anyone who can reach the port sees every camera");
    }
    return this;
  }

  /** Whether {@link #host} is a loopback address (the default, which needs no token). */
  public boolean loopback() {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("--bind: unknown host '" + host + "'", e);
    }
  }

  /** How long a camera's next frame waits after one was pushed. */
  Duration frameInterval() {
    return Duration.ofNanos((long) (1e9 / maxFrameRate));
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
