package io.actionstream.ingest;

import com.google.protobuf.UnsafeByteOperations;
import io.actionstream.ingest.camera.CameraException;
import io.actionstream.ingest.camera.CameraSource;
import io.actionstream.ingest.camera.GrabbedImage;
import io.actionstream.ingest.camera.SourceFormat;
import io.actionstream.ingest.config.CameraConfig;
import io.actionstream.ingest.config.CameraSettings;
import io.actionstream.ingest.metrics.IngestMetrics.CameraMetrics;
import io.actionstream.ingest.metrics.IngestMetrics.DropReason;
import io.actionstream.ingest.publish.FramePublisher;
import io.actionstream.ingest.sampling.FrameRateSampler;
import io.actionstream.model.clip.FrameDeferral;
import io.actionstream.model.frame.CaptureClock;
import io.actionstream.model.frame.FrameEncoder;
import io.actionstream.model.frame.ResizePlan;
import io.actionstream.schemas.v1.Frame;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of one camera, on its own thread: grab, sample, (pace), encode, publish; and what
 * happens at the end of the stream: a file stops or loops, a live source is reconnected with
 * exponential backoff.
 *
 * <p>Sequence numbers make outages visible: after a reconnect they jump by the number of frames
 * the target rate would have produced while the camera was away. Every reopening starts a new
 * {@code segment}, so consumers never join frames across it.
 */
final class CameraWorker implements Runnable {

  private static final Logger log = LoggerFactory.getLogger(CameraWorker.class);
  /** The longest a frame is held for a network in this process (see {@link FrameDeferral}). */
  private static final Duration MAX_DEFERRAL = Duration.ofSeconds(1);
  /** A frame that waited less than this found the network idle: not counted as deferred. */
  private static final long DEFERRAL_NOTICED_NANOS = 50_000;

  private final CameraConfig config;
  private final CameraSettings settings;
  private final CameraSource source;
  private final FramePublisher publisher;
  private final CameraMetrics metrics;
  private final FrameRateSampler sampler;
  /** The network in this process, for which the frames that complete no clip wait while it is busy; null where there is none. */
  private final FrameDeferral deferral;
  private final String sessionId = UUID.randomUUID().toString();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicLong framesPublished = new AtomicLong();
  private volatile boolean stopping;
  private volatile boolean up;
  private Thread thread;
  private Duration startDelay = Duration.ZERO;

  private FrameEncoder encoder;
  private Frame geometry;
  private long nextSequence;
  private int segment = -1;
  /** Frames published in this segment: a frame's position in it, which says whether it completes a clip. */
  private long segmentFrames;
  private long lastCaptureUs = -1;
  private boolean afterReconnect;
  private long pacingOriginNanos;
  private long pacingOriginMediaUs;
  private boolean pacingStarted;
  /** The source's own frame period, from its frame rate (the target rate's where it has none). */
  private long sourceFramePeriodUs;
  /** The media time of the last frame grabbed in this pass over a file, or -1. */
  private long lastMediaTimeUs = -1;
  /** What this pass's media times are shifted by on the pacing clock: the passes before it. */
  private long passOffsetUs;
  /** Where the next pass of a looping file starts on the pacing clock, or -1 when no loop waits. */
  private long nextPassStartUs = -1;
  /** When the frame being published was due by the file's clock (System.nanoTime), or -1 for a camera's own pace. */
  private long playbackDueNanos = -1;

  CameraWorker(
      CameraConfig config, CameraSource source, FramePublisher publisher, CameraMetrics metrics, FrameDeferral deferral) {
    this.config = config;
    this.deferral = deferral;
    this.settings = config.settings();
    this.source = source;
    this.publisher = publisher;
    this.metrics = metrics;
    this.sampler = new FrameRateSampler(settings.fps());
  }

  /** Opens the source for the first time, on the caller's thread, so that start-up fails fast. */
  void open() throws CameraException {
    SourceFormat format = source.open();
    ResizePlan plan =
        ResizePlan.of(settings.resize(), format.width(), format.height(), settings.width(), settings.height());
    source.scaleTo(plan.scaledWidth(), plan.scaledHeight());
    if (encoder != null) {
      encoder.close();
    }
    encoder = new FrameEncoder(plan, settings.encoding(), settings.jpegQuality());
    geometry = geometryOf(encoder);
    sampler.reset();
    sourceFramePeriodUs = Math.round(1_000_000 / (format.frameRate() > 0 ? format.frameRate() : settings.fps()));
    lastMediaTimeUs = -1;
    segment++;
    segmentFrames = 0;
    up = true;
    metrics.up(true);
    if (segment == 0) {
      log.info(
          "Camera '{}' open: {} {}x{} {} at {} fps -> {}x{} ({}) at {} fps",
          config.id(),
          config.uri(),
          format.width(),
          format.height(),
          format.codec(),
          String.format("%.2f", format.frameRate()),
          settings.width(),
          settings.height(),
          settings.resize().configName(),
          settings.fps());
    }
  }

  /** Releases the source and the encoder: when the worker ends, or if it is never started. */
  void release() {
    source.close();
    if (encoder != null) {
      encoder.close();
      encoder = null;
    }
  }

  /** Starts publishing after {@code delay} (see the ingest's {@code stagger}). */
  void start(Duration delay) {
    startDelay = delay;
    thread = new Thread(this, "camera-" + config.id());
    thread.start();
  }

  @Override
  public void run() {
    try {
      if (!awaitStart()) {
        return;
      }
      while (!stopping) {
        GrabbedImage image;
        long grabStart = System.nanoTime();
        try {
          image = source.grab();
        } catch (CameraException e) {
          if (!continueAfterEnd(e)) {
            break;
          }
          continue;
        }
        if (image == null) {
          if (!continueAfterEnd(null)) {
            break;
          }
          continue;
        }
        metrics.grabbed(System.nanoTime() - grabStart);
        if (nextPassStartUs >= 0) {
          passOffsetUs = nextPassStartUs - image.mediaTimeUs();
          nextPassStartUs = -1;
        }
        lastMediaTimeUs = image.mediaTimeUs();
        if (!sampler.accept(image.mediaTimeUs())) {
          metrics.dropped(DropReason.SAMPLING);
          continue;
        }
        if (settings.realtime() && !config.uri().live() && !waitForPlaybackTime(image.mediaTimeUs())) {
          break;
        }
        long captureUs = captureTime();
        if (!deferUnlessItCompletesAClip()) {
          break;
        }
        if (!publish(image, captureUs)) {
          break;
        }
      }
    } catch (RuntimeException e) {
      log.error("Camera '{}' stopped by an unexpected error", config.id(), e);
    } finally {
      release();
      up = false;
      metrics.up(false);
      finished.countDown();
    }
  }

  /** When the frame just grabbed was captured. */
  private long captureTime() {
    // a file played in real time was captured when its frame was due, as a camera's would be: a
    // thread that woke late (a busy machine) delays the frame, and the delay is the frame's
    long captureUs = CaptureClock.nowMicros();
    if (playbackDueNanos >= 0) {
      captureUs -= Math.max(0, System.nanoTime() - playbackDueNanos) / 1_000;
    }
    return captureUs;
  }

  /**
   * Holds a frame that completes no clip while the network in this process has clips to work on:
   * at most {@link #MAX_DEFERRAL}, and never past one frame period before its clip's last
   * frame is due, so that no clip waits for it. A frame that completes a clip, or comes just before
   * one that does, goes at once; so does every frame of a file read as fast as it decodes (a
   * backfill has no due times, and holding it would only slow it). False when the worker was
   * stopped meanwhile.
   */
  private boolean deferUnlessItCompletesAClip() {
    if (deferral == null || !(settings.realtime() || config.uri().live())) {
      return true;
    }
    long toClipEnd = deferral.cadence().framesToClipEnd(segmentFrames);
    if (toClipEnd <= 1) {
      return true;
    }
    long periodNanos = Math.round(1e9 / settings.fps());
    long due = playbackDueNanos >= 0 ? playbackDueNanos : System.nanoTime();
    long deadline = due + Math.min(MAX_DEFERRAL.toNanos(), (toClipEnd - 1) * periodNanos);
    long start = System.nanoTime();
    try {
      deferral.awaitIdleNetwork(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    long held = System.nanoTime() - start;
    if (held > DEFERRAL_NOTICED_NANOS) {
      metrics.deferred(held);
    }
    return !stopping;
  }

  /** Encodes and sends a frame; false when the worker was stopped while the frame waited to be sent. */
  private boolean publish(GrabbedImage image, long captureUs) {
    byte[] encoded;
    long encodeStart = System.nanoTime();
    try {
      encoded = encoder.encode(image.bgr());
    } catch (RuntimeException e) {
      metrics.dropped(DropReason.ENCODE_FAILED);
      log.warn("Camera '{}': a frame could not be encoded: {}", config.id(), e.toString());
      return true;
    }
    metrics.encoded(System.nanoTime() - encodeStart);
    if (afterReconnect) {
      nextSequence += missedFrames(captureUs);
      afterReconnect = false;
    }
    Frame frame =
        Frame.newBuilder(geometry)
            .setSequenceNumber(nextSequence++)
            .setCaptureTimeUs(captureUs)
            .setMediaTimeUs(image.mediaTimeUs())
            .setSegment(segment)
            .setImage(UnsafeByteOperations.unsafeWrap(encoded))
            .build();
    lastCaptureUs = captureUs;
    segmentFrames++;
    if (!publisher.send(frame, metrics)) {
      log.debug("Camera '{}' stopped while frame {} waited for room in the producer's buffer; that frame was not sent",
          config.id(), frame.getSequenceNumber());
      return false;
    }
    framesPublished.incrementAndGet();
    return true;
  }

  /** Frames the target rate would have produced between the last frame and now, exclusive. */
  private long missedFrames(long captureUs) {
    if (lastCaptureUs < 0) {
      return 0;
    }
    double slots = (captureUs - lastCaptureUs) * settings.fps() / 1_000_000.0;
    return Math.max(0, Math.round(slots) - 1);
  }

  /** Decides what follows the end (or failure) of the stream; false ends the worker. */
  private boolean continueAfterEnd(CameraException error) {
    source.close();
    up = false;
    metrics.up(false);
    if (stopping) {
      return false;
    }
    if (!config.uri().live()) {
      if (error != null) {
        log.warn("{}", error.getMessage());
      }
      if (settings.loop()) {
        if (lastMediaTimeUs >= 0) {
          // a looping file keeps its cadence, as the camera it stands for would: the next pass
          // starts one source frame after this one's last, on the same pacing clock, rather than
          // at once and on a clock of its own (cameras started together kept their phase only
          // until their first loop)
          nextPassStartUs = passOffsetUs + lastMediaTimeUs + sourceFramePeriodUs;
        }
        try {
          open();
          return true;
        } catch (CameraException e) {
          log.error("Camera '{}' cannot loop: {}", config.id(), e.getMessage());
          return false;
        }
      }
      log.info(
          "Camera '{}' reached the end of {} after {} frames",
          config.id(),
          config.uri(),
          framesPublished.get());
      return false;
    }
    log.warn(
        "Camera '{}' dropped ({}); reconnecting",
        config.id(),
        error != null ? error.getMessage() : "end of stream");
    for (int attempt = 1; !stopping; attempt++) {
      Duration delay = settings.backoff().delayBefore(attempt);
      if (!sleep(delay)) {
        return false;
      }
      try {
        open();
        metrics.reconnected();
        afterReconnect = true;
        log.info("Camera '{}' reconnected after {} attempt(s)", config.id(), attempt);
        return true;
      } catch (CameraException e) {
        log.warn(
            "Camera '{}' reconnect attempt {} failed: {}; next attempt in {} ms",
            config.id(),
            attempt,
            e.getMessage(),
            settings.backoff().delayBefore(attempt + 1).toMillis());
      }
    }
    return false;
  }

  /**
   * Waits out the start delay. A file waits; a live camera keeps sending meanwhile, so its frames
   * are read and left, and the first frame published is a fresh one rather than the oldest in a
   * buffer. False when the worker was stopped meanwhile.
   */
  private boolean awaitStart() {
    if (startDelay.isZero()) {
      return true;
    }
    if (!config.uri().live()) {
      return sleep(startDelay);
    }
    long due = System.nanoTime() + startDelay.toNanos();
    while (!stopping && System.nanoTime() < due) {
      try {
        if (source.grab() == null) {
          break; // the main loop handles the end of the stream
        }
      } catch (CameraException e) {
        break; // and a failure, with its reconnects
      }
    }
    return !stopping;
  }

  /**
   * Sleeps until a file frame's time has come, like a camera would deliver it; the passes of a
   * looping file follow one another on one clock.
   */
  private boolean waitForPlaybackTime(long passMediaTimeUs) {
    long mediaTimeUs = passOffsetUs + passMediaTimeUs;
    long now = System.nanoTime();
    if (!pacingStarted) {
      pacingStarted = true;
      pacingOriginNanos = now;
      pacingOriginMediaUs = mediaTimeUs;
      playbackDueNanos = now;
      return true;
    }
    long due = pacingOriginNanos + (mediaTimeUs - pacingOriginMediaUs) * 1_000;
    playbackDueNanos = due;
    return due <= now || sleep(Duration.ofNanos(due - now));
  }

  private boolean sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
      return !stopping;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  void stop() {
    stopping = true;
    if (thread != null) {
      thread.interrupt();
    }
  }

  boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  CameraStatus status() {
    return new CameraStatus(config.id(), up, framesPublished.get(), finished.getCount() == 0);
  }

  private Frame geometryOf(FrameEncoder encoder) {
    return encoder.describe(Frame.newBuilder().setCameraId(config.id()).setSessionId(sessionId)).build();
  }
}
