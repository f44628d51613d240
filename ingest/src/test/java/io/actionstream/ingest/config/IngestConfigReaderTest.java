package io.actionstream.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.actionstream.ingest.camera.CameraUri;
import io.actionstream.model.frame.ImageFormat;
import io.actionstream.model.frame.ResizeMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngestConfigReaderTest {

  @TempDir Path dir;

  @Test
  void readsAFullConfigurationAndAppliesDefaultsPerCamera() throws Exception {
    IngestConfig config =
        read(
            """
            kafka:
              bootstrap.servers: kafka-1:9092,kafka-2:9092
              security.protocol: SSL
            topic: camera-frames
            topicPartitions: 12
            metricsPort: 9500
            stagger: 2s
            defaults:
              fps: 5
              width: 320
              height: 240
              resize: crop
              reconnect: {initialBackoff: 1s, maxBackoff: 1m}
              options: {rtsp_transport: tcp}
              decoderThreads: 1
            cameras:
              - id: lobby
                uri: rtsp://admin:secret@10.0.0.5/stream1
              - id: demo
                uri: /videos/demo.mp4
                decoderThreads: 0
                fps: 12.5
                loop: true
                realtime: false
                encoding: raw
                jpegQuality: 70
                options: {probesize: "32768"}
            """);

    assertThat(config.kafka()).containsEntry("security.protocol", "SSL");
    assertThat(config.bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9092");
    assertThat(config.topic()).isEqualTo("camera-frames");
    assertThat(config.topicPartitions()).isEqualTo(12);
    assertThat(config.metricsPorts()).isEqualTo(io.actionstream.ops.PortRange.of(9500));
    assertThat(config.stagger()).isEqualTo(Duration.ofSeconds(2));

    CameraSettings lobby = config.cameras().get(0).settings();
    assertThat(config.cameras().get(0).uri().kind()).isEqualTo(CameraUri.Kind.STREAM);
    assertThat(lobby.fps()).isEqualTo(5);
    assertThat(lobby.resize()).isEqualTo(ResizeMode.CROP);
    assertThat(lobby.width()).isEqualTo(320);
    assertThat(lobby.realtime()).isTrue();
    assertThat(lobby.loop()).isFalse();
    assertThat(lobby.backoff()).isEqualTo(new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1)));
    assertThat(lobby.options()).containsExactlyEntriesOf(java.util.Map.of("rtsp_transport", "tcp"));
    assertThat(lobby.decoderThreads()).isEqualTo(1);

    CameraSettings demo = config.cameras().get(1).settings();
    assertThat(config.cameras().get(1).uri().kind()).isEqualTo(CameraUri.Kind.FILE);
    assertThat(demo.fps()).isEqualTo(12.5);
    assertThat(demo.loop()).isTrue();
    assertThat(demo.realtime()).isFalse();
    assertThat(demo.jpegQuality()).isEqualTo(70);
    assertThat(demo.encoding()).isEqualTo(ImageFormat.RAW);
    assertThat(lobby.encoding()).isEqualTo(ImageFormat.JPEG);
    assertThat(demo.options()).containsEntry("rtsp_transport", "tcp").containsEntry("probesize", "32768");
    assertThat(demo.decoderThreads()).isZero();
  }

  @Test
  void builtInDefaultsSuitTheShippedModel() throws Exception {
    IngestConfig config = read("kafka: {bootstrap.servers: 'k:9092'}\ncameras: [{id: a, uri: /v.mp4}]");
    CameraSettings camera = config.cameras().get(0).settings();
    assertThat(config.stagger()).as("cameras start together unless told").isZero();

    assertThat(camera.fps()).isEqualTo(8);
    // the shipped student's geometry: it scales the short side to 128 and takes the centre
    assertThat(camera.width()).isEqualTo(128);
    assertThat(camera.height()).isEqualTo(128);
    assertThat(camera.resize()).isEqualTo(ResizeMode.CROP);
    assertThat(camera.jpegQuality()).isEqualTo(85);
    assertThat(camera.encoding()).as("the shipped student was trained on JPEG frames").isEqualTo(ImageFormat.JPEG);
    assertThat(camera.backoff()).isEqualTo(Backoff.DEFAULT);
    assertThat(camera.decoderThreads()).as("FFmpeg chooses").isZero();
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @CsvSource({"raw, 640, 480", "i420, 960, 640"})
  void uncompressedFramesThatFitAProduceRequestAreAccepted(String encoding, int width, int height) throws Exception {
    CameraSettings camera = read("kafka: {bootstrap.servers: 'k:9092'}\ndefaults: {encoding: " + encoding + ", width: " + width
        + ", height: " + height + "}\ncameras: [{id: a, uri: /v.mp4}]").cameras().get(0).settings();

    assertThat(camera.encoding()).isEqualTo(ImageFormat.parse(encoding));
    assertThat(camera.width()).as("900 KiB a frame, under the producer's 1 MiB (i420 at 1.5 bytes a pixel, raw at 3)")
        .isEqualTo(width);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          missing bootstrap servers | cameras: [{id: a, uri: /v.mp4}]                                   | kafka.bootstrap.servers: required
          no cameras                | kafka: {bootstrap.servers: k}                                      | cameras: at least one camera
          unknown top-level key     | kafka: {bootstrap.servers: k}\\ncamras: []                         | camras: unknown setting
          typo in a camera          | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, fsp: 3}] | cameras[0].fsp: unknown setting
          fps not a number          | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, fps: fast}] | cameras[0].fps: expected a number, got 'fast'
          fps out of range          | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v}, {id: b, uri: /w, fps: -5}] | cameras[1].fps: must be between
          width not whole           | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, width: 22.5}] | cameras[0].width: expected a whole number
          odd height                | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, height: 101}] | cameras[0].height: must be even
          bad resize mode           | kafka: {bootstrap.servers: k}\\ndefaults: {resize: zoom}\\ncameras: [{id: a, uri: /v}] | defaults.resize: 'zoom' is not a resize mode
          negative decoder threads  | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, decoderThreads: -1}] | cameras[0].decoderThreads: must be between 0 and 64
          too many decoder threads  | kafka: {bootstrap.servers: k}\\ndefaults: {decoderThreads: 65}\\ncameras: [{id: a, uri: /v}] | defaults.decoderThreads: must be between 0 and 64
          quality too high          | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, jpegQuality: 101}] | cameras[0].jpegQuality: must be between 1 and 100
          unknown encoding          | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, encoding: png}] | cameras[0].encoding: 'png' is not an image encoding; use one of jpeg, raw, i420
          missing id                | kafka: {bootstrap.servers: k}\\ncameras: [{uri: /v}]              | cameras[0].id: required
          bad id                    | kafka: {bootstrap.servers: k}\\ncameras: [{id: 'front door', uri: /v}] | cameras[0].id: 'front door' is not a valid camera id
          duplicate id              | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v}, {id: a, uri: /w}] | cameras[1].id: camera id 'a' is used twice
          missing uri               | kafka: {bootstrap.servers: k}\\ncameras: [{id: a}]                | cameras[0].uri: required
          unsupported scheme        | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: 'ftp://x/v'}] | cameras[0].uri: unsupported scheme 'ftp'
          loop on a live source     | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: 'rtsp://x/s', loop: true}] | cameras[0].loop: only file sources can loop
          bad duration              | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, reconnect: {initialBackoff: soon}}] | cameras[0].reconnect.initialBackoff: expected a duration
          backoff upside down       | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, reconnect: {initialBackoff: 10s, maxBackoff: 1s}}] | cameras[0].reconnect.maxBackoff: must not be shorter
          boolean as text           | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, loop: sometimes}] | cameras[0].loop: expected true or false
          cameras not a list        | kafka: {bootstrap.servers: k}\\ncameras: {id: a}                  | cameras: expected a list
          bad topic name            | kafka: {bootstrap.servers: k}\\ntopic: 'my frames'\\ncameras: [{id: a, uri: /v}] | topic: 'my frames' is not a valid Kafka topic name
          metrics port              | kafka: {bootstrap.servers: k}\\nmetricsPort: 70000\\ncameras: [{id: a, uri: /v}] | metricsPort: '70000' is not a port
          id under defaults         | kafka: {bootstrap.servers: k}\\ndefaults: {id: x}\\ncameras: [{id: a, uri: /v}] | defaults.id: unknown setting
          typo in reconnect         | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, reconnect: {initial: 1s}}] | cameras[0].reconnect.initial: unknown setting; known settings here are [initialBackoff, maxBackoff]
          kafka value not a scalar  | kafka: {bootstrap.servers: k, ssl: {x: 1}}\\ncameras: [{id: a, uri: /v}] | kafka.ssl: expected a single value
          zero backoff              | kafka: {bootstrap.servers: k}\\ncameras: [{id: a, uri: /v, reconnect: {initialBackoff: 0s}}] | cameras[0].reconnect.initialBackoff: must be longer than zero
          negative stagger          | kafka: {bootstrap.servers: k}\\nstagger: PT-1S\\ncameras: [{id: a, uri: /v}] | stagger: must be between 0s and 1m, got -1000ms
          stagger too long          | kafka: {bootstrap.servers: k}\\nstagger: 2m\\ncameras: [{id: a, uri: /v}] | stagger: must be between 0s and 1m
          stagger not a duration    | kafka: {bootstrap.servers: k}\\nstagger: soon\\ncameras: [{id: a, uri: /v}] | stagger: expected a duration
          raw frames too big        | kafka: {bootstrap.servers: k}\\ndefaults: {encoding: raw}\\ncameras: [{id: a, uri: /v}, {id: b, uri: /w, width: 1280, height: 720}] | cameras[1].encoding: raw 1280x720 frames are 2700 KiB a record, more than a Kafka broker's default message.max.bytes (1024 KiB)
          i420 frames too big       | kafka: {bootstrap.servers: k}\\ndefaults: {encoding: i420, width: 1280, height: 720}\\ncameras: [{id: a, uri: /v}] | cameras[0].encoding: i420 1280x720 frames are 1350 KiB a record, more than a Kafka broker's default message.max.bytes (1024 KiB)
          raw, smaller request      | kafka: {bootstrap.servers: k, max.request.size: 900000}\\ndefaults: {encoding: raw, width: 640, height: 480}\\ncameras: [{id: a, uri: /v}] | cameras[0].encoding: raw 640x480 frames are 900 KiB a record, more than the Kafka producer's max.request.size (878 KiB)
          """)
  void rejectsABadSettingNamingIt(String problem, String yaml, String message) {
    assertThatThrownBy(() -> read(yaml.replace("\\n", "\n")))
        .as(problem)
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void aFileThatIsNotYamlOrDoesNotExistNamesTheFile() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "cameras: [unclosed");
    assertThatThrownBy(() -> IngestConfigReader.read(broken))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(broken + ": not valid YAML");
    Path missing = dir.resolve("missing.yaml");
    assertThatThrownBy(() -> IngestConfigReader.read(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessage(missing + ": configuration file does not exist");
  }

  private IngestConfig read(String yaml) throws Exception {
    return IngestConfigReader.read(Files.writeString(Files.createTempFile(dir, "c", ".yaml"), yaml));
  }
}
