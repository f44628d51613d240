package io.actionstream.inference.topology;

import com.google.protobuf.InvalidProtocolBufferException;
import io.actionstream.schemas.v1.Frame;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * A frame as the {@code clip-frames} store keeps it: the message and the bytes of the frames
 * record it was parsed from. The store's serde writes those bytes as they are, so a frame is
 * never encoded again on its way into the store and its changelog (re-encoding every frame's
 * JPEG-carrying message cost a twentieth of the stream threads' CPU).
 */
record StoredFrame(Frame frame, byte[] encoded) {

  static final Serde<StoredFrame> SERDE = Serdes.serdeFrom(
      (topic, stored) -> stored == null ? null : stored.encoded(),
      (topic, bytes) -> bytes == null ? null : parse(topic, bytes));

  private static StoredFrame parse(String topic, byte[] bytes) {
    try {
      return new StoredFrame(Frame.parseFrom(bytes), bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new SerializationException("a record of " + topic + " is not a valid frame: " + e.getMessage(), e);
    }
  }
}
