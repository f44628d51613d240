package io.actionstream.inference.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serdes of the topology's typed edges: protobuf messages of the schemas. A record that does not
 * parse is a {@link SerializationException}, as for any Kafka serde.
 */
final class ProtoSerde {

  private ProtoSerde() {}

  /** The serde of a protobuf message type. */
  static <T extends Message> Serde<T> of(Parser<T> parser) {
    Serializer<T> serializer = (topic, value) -> value == null ? null : value.toByteArray();
    Deserializer<T> deserializer = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return parser.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        throw new SerializationException("a record of topic " + topic + " is not a valid message: " + e.getMessage(), e);
      }
    };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
