package io.actionstream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.ingest.FrameTopicReader.KeyedFrame;
import io.actionstream.ingest.camera.CameraException;
import io.actionstream.ingest.camera.CameraSource;
import io.actionstream.ingest.camera.FfmpegCameraSource;
import io.actionstream.ingest.camera.GrabbedImage;
import io.actionstream.ingest.camera.SourceFormat;
import io.actionstream.ingest.config.ConfigException;
import io.actionstream.ingest.config.IngestConfig;
import io.actionstream.ingest.config.IngestConfigReader;
import io.actionstream.schemas.v1.Frame;
import io.actionstream.schemas.v1.ImageEncoding;
import io.actionstream.schemas.v1.ResizeMode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest of real video files into a real (embedded) Kafka broker, read back as a consumer. */
class IngestServiceTest {

  private static EmbeddedKafkaBroker broker;
  @TempDir static Path dir;
  private static Path video;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    video = PatternVideo.write(dir.resolve("pattern.mp4"), "mp4", 50, 320, 240, 25);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void everyFrameOfAFileArrivesInOrderWithItsGeometryAndADecodableJpeg() throws Exception {
    IngestConfig config =
        config(
            """
            topic: all-frames
            defaults: {fps: 25, width: 224, height: 224, resize: fit, realtime: false}
            cameras:
              - {id: door, uri: '%s'}
            """
                .formatted(video));

    runToEnd(config);
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), "all-frames", 50);

    assertThat(frames).hasSize(50);
    assertThat(frames).extracting(KeyedFrame::key).containsOnly("door");
    assertThat(frames).extracting(f -> f.frame().getSequenceNumber())
        .containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> (long) i).toList());
    assertThat(frames).extracting(f -> f.frame().getSessionId()).containsOnly(frames.get(0).frame().getSessionId());
    assertThat(frames).extracting(f -> f.frame().getCaptureTimeUs()).isSorted();
    Frame first = frames.get(0).frame();
    assertThat(first.getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_JPEG);
    assertThat(first.getResizeMode()).isEqualTo(ResizeMode.RESIZE_MODE_FIT);
    assertThat(List.of(first.getWidth(), first.getHeight(), first.getSourceWidth(), first.getSourceHeight()))
        .containsExactly(224, 224, 320, 240);
    // 320x240 letterboxed into 224x224: 224x168 of picture, 28 rows of padding above and below.
    assertThat(List.of(first.getImageRegion().getX(), first.getImageRegion().getY(),
            first.getImageRegion().getWidth(), first.getImageRegion().getHeight()))
        .containsExactly(0, 28, 224, 168);
    assertThat(first.getSourceRegion().getWidth()).isEqualTo(320);
    for (KeyedFrame keyed : frames) {
      Frame frame = keyed.frame();
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(frame.getImage().toByteArray()));
      assertThat(image).as("frame %d decodes as JPEG", frame.getSequenceNumber()).isNotNull();
      assertThat(image.getWidth()).isEqualTo(224);
      assertThat(image.getHeight()).isEqualTo(224);
      assertThat(PatternVideo.readIndex(image, frame.getImageRegion()))
          .as("source frame shown in frame %d", frame.getSequenceNumber())
          .isEqualTo((int) frame.getSequenceNumber());
      assertThat(frame.getMediaTimeUs()).isEqualTo(frame.getSequenceNumber() * 40_000);
    }
  }

  @Test
  void rawFramesCarryTheLetterboxedPixelsThemselves() throws Exception {
    IngestConfig config =
        config(
            """
            topic: raw-frames
            defaults: {fps: 25, width: 128, height: 128, resize: fit, encoding: raw, realtime: false}
            cameras:
              - {id: desk, uri: '%s'}
            """
                .formatted(video));

    runToEnd(config);
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), "raw-frames", 50);

    assertThat(frames).hasSize(50);
    for (KeyedFrame keyed : frames) {
      Frame frame = keyed.frame();
      assertThat(frame.getEncoding()).isEqualTo(ImageEncoding.IMAGE_ENCODING_BGR24);
      assertThat(frame.getImage().size()).as("128 x 128 BGR pixels, nothing else").isEqualTo(128 * 128 * 3);
      // the BGR24 bytes are a TYPE_3BYTE_BGR raster as they are
      BufferedImage image = new BufferedImage(128, 128, BufferedImage.TYPE_3BYTE_BGR);
      frame.getImage().copyTo(((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData(), 0);
      assertThat(PatternVideo.readIndex(image, frame.getImageRegion()))
          .as("source frame shown in frame %d", frame.getSequenceNumber())
          .isEqualTo((int) frame.getSequenceNumber());
    }
  }

  @Test
  void samplingToALowerRateKeepsTheFirstFrameOfEverySlot() throws Exception {
    IngestConfig config =
        config(
            """
            topic: sampled
            defaults: {fps: 10, width: 160, height: 120, resize: stretch, realtime: false}
            cameras:
              - {id: hall, uri: '%s'}
            """
                .formatted(video));

    runToEnd(config);
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), "sampled", 20);

    // Source frame i is shown at 40 ms * i; slot k of 100 ms starts with frame ceil(2.5 k).
    List<Integer> expected = IntStream.range(0, 20).map(k -> (int) Math.ceil(2.5 * k)).boxed().toList();
    List<Integer> shown =
        frames.stream().map(f -> PatternVideo.readIndex(decode(f.frame()), f.frame().getImageRegion())).toList();
    assertThat(shown).containsExactlyElementsOf(expected);
    assertThat(frames).extracting(f -> f.frame().getSequenceNumber())
        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> (long) i).toList());
  }

  @Test
  void aLoopingFileStartsANewSegmentEachTimeAndKeepsCounting() throws Exception {
    IngestConfig config =
        config(
            """
            topic: looped
            defaults: {fps: 25, width: 64, height: 48, realtime: false}
            cameras:
              - {id: demo, uri: '%s', loop: true}
            """
                .formatted(video));

    List<KeyedFrame> frames;
    try (IngestService service = IngestService.start(config)) {
      frames =
          FrameTopicReader.readUntil(
              broker.bootstrapServers(), "looped", f -> f.size() >= 120, Duration.ofSeconds(60));
    }

    List<KeyedFrame> firstRounds = frames.subList(0, 120);
    assertThat(firstRounds).extracting(f -> f.frame().getSequenceNumber())
        .containsExactlyElementsOf(IntStream.range(0, 120).mapToObj(i -> (long) i).toList());
    assertThat(firstRounds).extracting(f -> f.frame().getSegment())
        .containsExactlyElementsOf(IntStream.range(0, 120).mapToObj(i -> i / 50).toList());
  }

  @Test
  void aLoopingFilePlayedInRealTimeKeepsItsCadenceAcrossEachLoop() throws Exception {
    Path video = PatternVideo.write(dir.resolve("cadence.mkv"), "matroska", 8, 96, 96, 8);
    IngestConfig config =
        config(
            """
            topic: cadence
            defaults: {fps: 8, width: 64, height: 64, realtime: true}
            cameras:
              - {id: cam-0, uri: '%s', loop: true}
            """
                .formatted(video));

    List<KeyedFrame> frames;
    try (IngestService service = IngestService.start(config)) {
      frames = FrameTopicReader.readUntil(broker.bootstrapServers(), "cadence", f -> f.size() >= 20, Duration.ofSeconds(60));
    }

    // the first frame of each pass is due one frame after the last of the pass before, as a
    // camera's next frame would be: not at once (the file reopened within milliseconds), which
    // put cameras started together out of phase from their first loop on
    assertThat(frames.subList(0, 20)).extracting(f -> f.frame().getSegment())
        .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(i -> i / 8).toList());
    assertCapturedOnTheGrid(frames.subList(0, 20), 125);
  }

  @Test
  void severalCamerasInOneProcessAreKeyedAndNumberedIndependently() throws Exception {
    Path shortVideo = PatternVideo.write(dir.resolve("short.mkv"), "matroska", 12, 176, 144, 12);
    IngestConfig config =
        config(
            """
            topic: many
            topicPartitions: 3
            defaults: {fps: 30, width: 96, height: 96, resize: crop, realtime: false}
            cameras:
              - {id: cam-a, uri: '%1$s'}
              - {id: cam-b, uri: '%1$s'}
              - {id: cam-c, uri: 'file://%1$s'}
            """
                .formatted(shortVideo));

    runToEnd(config);
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), "many", 36);

    Map<String, List<Long>> byCamera =
        frames.stream()
            .collect(Collectors.groupingBy(KeyedFrame::key,
                Collectors.mapping(f -> f.frame().getSequenceNumber(), Collectors.toList())));
    List<Long> zeroToEleven = IntStream.range(0, 12).mapToObj(i -> (long) i).toList();
    assertThat(byCamera).containsOnlyKeys("cam-a", "cam-b", "cam-c");
    byCamera.values().forEach(seq -> assertThat(seq).containsExactlyElementsOf(zeroToEleven));
    assertThat(frames).allSatisfy(f -> assertThat(f.key()).isEqualTo(f.frame().getCameraId()));
    assertThat(frames.stream().map(f -> f.frame().getCameraId() + "/" + f.frame().getSessionId()).distinct())
        .as("one session per camera")
        .hasSize(3);
  }

  @Test
  void aStaggerSpreadsTheCamerasFirstFramesEvenlyOverIt() throws Exception {
    Path video = PatternVideo.write(dir.resolve("stagger.mkv"), "matroska", 8, 96, 96, 8);
    IngestConfig config =
        config(
            """
            topic: staggered
            stagger: 1200ms
            defaults: {fps: 8, width: 64, height: 64, realtime: true}
            cameras:
              - {id: cam-0, uri: '%1$s'}
              - {id: cam-1, uri: '%1$s'}
              - {id: cam-2, uri: '%1$s'}
              - {id: cam-3, uri: '%1$s'}
            """
                .formatted(video));

    runToEnd(config);
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), "staggered", 32);

    Map<String, Long> firstCapture =
        frames.stream().filter(f -> f.frame().getSequenceNumber() == 0)
            .collect(Collectors.toMap(KeyedFrame::key, f -> f.frame().getCaptureTimeUs()));
    assertThat(firstCapture).containsOnlyKeys("cam-0", "cam-1", "cam-2", "cam-3");
    // camera i of 4 starts i/4 of 1200 ms after the first: 300 ms apart
    for (int i = 1; i < 4; i++) {
      long apartMs = (firstCapture.get("cam-" + i) - firstCapture.get("cam-" + (i - 1))) / 1000;
      assertThat(apartMs).as("cam-%d after cam-%d", i, i - 1).isBetween(250L, 450L);
    }
  }

  @Test
  void aFilePlayedInRealTimeIsStampedWhenEachFrameWasDueEvenWhenItsThreadIsLate() throws Exception {
    Path video = PatternVideo.write(dir.resolve("late.mkv"), "matroska", 8, 96, 96, 8);
    IngestConfig config =
        config(
            """
            topic: late
            defaults: {fps: 8, width: 64, height: 64, realtime: true}
            cameras:
              - {id: cam-0, uri: '%s'}
            """
                .formatted(video));
    // the fourth frame takes 400 ms to grab, as on a machine too busy to run the camera's thread:
    // it is published about 275 ms after it was due, and the frames after it catch up at once
    AtomicInteger grabs = new AtomicInteger();
    try (IngestService service =
        IngestService.start(config, camera -> new SlowGrab(new FfmpegCameraSource(camera.id(),
            camera.uri(), camera.settings().options(), 1), () -> grabs.incrementAndGet() == 4 ? 400 : 0))) {
      assertThat(service.awaitCompletion(Duration.ofSeconds(60))).isTrue();
    }
    List<KeyedFrame> frames = FrameTopicReader.read(broker.bootstrapServers(), "late", 8);

    assertCapturedOnTheGrid(frames, 125);
  }

  /** Each frame's capture time is its sequence number's slot of {@code periodMs} after the first frame's, within 5 ms. */
  private static void assertCapturedOnTheGrid(List<KeyedFrame> frames, long periodMs) {
    long first = frames.get(0).frame().getCaptureTimeUs();
    for (KeyedFrame f : frames) {
      long offsetMs = (f.frame().getCaptureTimeUs() - first) / 1000;
      long slot = f.frame().getSequenceNumber();
      assertThat(offsetMs).as("frame %d (segment %d) captured on the %d ms grid", slot, f.frame().getSegment(), periodMs)
          .isBetween(periodMs * slot - 5, periodMs * slot + 5);
    }
  }

  /** A camera source whose grabs take as long extra as {@code delayMs} says, one grab at a time. */
  private record SlowGrab(CameraSource source, IntSupplier delayMs) implements CameraSource {
    @Override
    public SourceFormat open() throws CameraException {
      return source.open();
    }

    @Override
    public void scaleTo(int width, int height) {
      source.scaleTo(width, height);
    }

    @Override
    public GrabbedImage grab() throws CameraException {
      GrabbedImage image = source.grab();
      try {
        Thread.sleep(delayMs.getAsInt());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return image;
    }

    @Override
    public void close() {
      source.close();
    }
  }

  @Test
  void aMissingFileFailsAtStartNamingTheCameraAndThePath() {
    Path missing = dir.resolve("no-such-video.mp4");
    IngestConfig config =
        config(
            """
            topic: missing
            cameras:
              - {id: good, uri: '%s'}
              - {id: porch, uri: '%s'}
            """
                .formatted(video, missing));

    assertThatThrownBy(() -> IngestService.start(config))
        .isInstanceOf(CameraException.class)
        .hasMessageContaining("camera 'porch'")
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void anUnreachableStreamFailsAtStartNamingTheCameraAndTheUrl() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/live.ts";
    IngestConfig config =
        config(
            """
            topic: unreachable
            cameras:
              - {id: gate, uri: '%s'}
            """
                .formatted(url));

    assertThatThrownBy(() -> IngestService.start(config))
        .isInstanceOf(CameraException.class)
        .hasMessageContaining("camera 'gate'")
        .hasMessageContaining(url)
        .hasMessageContaining("Connection refused");
  }

  @Test
  void aFileThatIsNotAVideoFailsAtStartNamingTheCamera() throws Exception {
    Path notVideo = Files.writeString(dir.resolve("notes.mp4"), "this is not a video");
    IngestConfig config =
        config(
            """
            topic: not-video
            cameras:
              - {id: attic, uri: '%s'}
            """
                .formatted(notVideo));

    assertThatThrownBy(() -> IngestService.start(config))
        .isInstanceOf(CameraException.class)
        .hasMessageContaining("camera 'attic'")
        .hasMessageContaining("cannot open");
  }

  @Test
  void anUnreachableBrokerFailsAtStartNamingTheSetting() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    IngestConfig config =
        IngestConfigReader.fromTree(
            IngestConfigReader.readTree(
                Files.writeString(
                    dir.resolve("unreachable-kafka.yaml"),
                    """
                    kafka: {bootstrap.servers: '127.0.0.1:%d', default.api.timeout.ms: 2000}
                    cameras:
                      - {id: x, uri: '%s'}
                    """
                        .formatted(closedPort, video))));

    assertThatThrownBy(() -> IngestService.start(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka.bootstrap.servers")
        .hasMessageContaining("127.0.0.1:" + closedPort);
  }

  @Test
  void aProducerBufferSmallerThanOneBatchFailsAtStartNamingTheSetting() throws Exception {
    IngestConfig config =
        IngestConfigReader.read(
            Files.writeString(
                dir.resolve("small-buffer.yaml"),
                """
                kafka: {bootstrap.servers: '%s', buffer.memory: 200000}
                metricsPort: -1
                cameras:
                  - {id: y, uri: '%s'}
                """
                    .formatted(broker.bootstrapServers(), video)));

    // Kafka's producer would accept the settings and then refuse every frame
    assertThatThrownBy(() -> IngestService.start(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka.buffer.memory")
        .hasMessageContaining("200000")
        .hasMessageContaining("batch.size");
  }

  static IngestConfig config(String yaml) {
    try {
      Path file = Files.createTempFile(dir, "ingest", ".yaml");
      Files.writeString(
          file,
          "kafka: {bootstrap.servers: '" + broker.bootstrapServers() + "'}\nmetricsPort: -1\n" + yaml);
      return IngestConfigReader.read(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void runToEnd(IngestConfig config) throws Exception {
    try (IngestService service = IngestService.start(config)) {
      assertThat(service.awaitCompletion(Duration.ofSeconds(60))).as("all cameras finished").isTrue();
    }
  }

  static BufferedImage decode(Frame frame) {
    try {
      return ImageIO.read(new ByteArrayInputStream(frame.getImage().toByteArray()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
