package io.actionstream.ingest.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The ingest configuration file as written, bound by Jackson: every setting is optional here
 * (null when absent) and nothing is checked but types and names; {@link IngestConfigReader}
 * applies defaults and checks values. Unknown settings fail the binding with their path.
 */
record IngestFile(
    Map<String, String> kafka,
    String topic,
    Integer topicPartitions,
    String metricsPort,
    @JsonProperty("stagger") @JsonDeserialize(using = DurationDeserializer.class) Duration stagger,
    CameraFields defaults,
    List<CameraFields> cameras) {

  /** One camera, or the defaults of every camera (which have no id and uri). */
  record CameraFields(
      String id,
      String uri,
      Double fps,
      Integer width,
      Integer height,
      String resize,
      String encoding,
      Integer jpegQuality,
      Boolean loop,
      Boolean realtime,
      Reconnect reconnect,
      Integer decoderThreads,
      Map<String, String> options) {}

  /** Waits between reconnect attempts. */
  record Reconnect(
      @JsonProperty("initialBackoff") @JsonDeserialize(using = DurationDeserializer.class) Duration initialBackoff,
      @JsonProperty("maxBackoff") @JsonDeserialize(using = DurationDeserializer.class) Duration maxBackoff) {}

  /** Reads durations with {@link Durations#parse}. */
  static final class DurationDeserializer extends com.fasterxml.jackson.databind.JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(com.fasterxml.jackson.core.JsonParser parser, com.fasterxml.jackson.databind.DeserializationContext context)
        throws java.io.IOException {
      try {
        return Durations.parse(parser.getValueAsString(parser.getText()));
      } catch (IllegalArgumentException e) {
        throw com.fasterxml.jackson.databind.JsonMappingException.from(parser, e.getMessage(), e);
      }
    }
  }
}
