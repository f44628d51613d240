package io.actionstream.schemas.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The descriptor set shipped in the jar must let a consumer that has no generated classes read
 * every topic: this test plays such a consumer.
 */
class DescriptorSetTest {

  private static final String DESCRIPTOR_SET = "/actionstream/v1/actionstream.protoset";

  @Test
  void descriptorSetDescribesAllThreeTopicValues() throws Exception {
    Map<String, Descriptor> messages = loadMessages();

    assertThat(messages)
        .containsKeys(
            "actionstream.v1.Frame", "actionstream.v1.ActionEvent", "actionstream.v1.ModelRelease");
  }

  @Test
  void consumerWithoutGeneratedClassesDecodesAFrame() throws Exception {
    Frame frame =
        Frame.newBuilder()
            .setCameraId("lobby")
            .setSequenceNumber(42)
            .setSessionId("s-1")
            .setCaptureTimeUs(1_700_000_000_000_000L)
            .setEncoding(ImageEncoding.IMAGE_ENCODING_JPEG)
            .setImage(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xD8}))
            .setWidth(224)
            .setHeight(168)
            .setSourceRegion(Region.newBuilder().setWidth(640).setHeight(480))
            .build();

    Descriptor descriptor = loadMessages().get("actionstream.v1.Frame");
    DynamicMessage decoded = DynamicMessage.parseFrom(descriptor, frame.toByteArray());

    assertThat(decoded.getField(descriptor.findFieldByName("camera_id"))).isEqualTo("lobby");
    assertThat(decoded.getField(descriptor.findFieldByName("sequence_number"))).isEqualTo(42L);
    assertThat(decoded.getField(descriptor.findFieldByName("height"))).isEqualTo(168);
    DynamicMessage region =
        (DynamicMessage) decoded.getField(descriptor.findFieldByName("source_region"));
    assertThat(region.getField(region.getDescriptorForType().findFieldByName("width")))
        .isEqualTo(640);
  }

  @Test
  void siteSpecificFieldRangeIsReservedInEveryTopicValue() throws Exception {
    for (String name : List.of("Frame", "ActionEvent", "ModelRelease")) {
      Descriptor descriptor = loadMessages().get("actionstream.v1." + name);
      assertThat(descriptor.isReservedNumber(1000)).as(name).isTrue();
      assertThat(descriptor.isReservedNumber(1999)).as(name).isTrue();
    }
  }

  private static Map<String, Descriptor> loadMessages() throws Exception {
    FileDescriptorSet set;
    try (InputStream in = DescriptorSetTest.class.getResourceAsStream(DESCRIPTOR_SET)) {
      assertThat(in).as("descriptor set %s on the classpath", DESCRIPTOR_SET).isNotNull();
      set = FileDescriptorSet.parseFrom(in);
    }
    Map<String, FileDescriptor> files = new HashMap<>();
    Map<String, Descriptor> messages = new HashMap<>();
    for (FileDescriptorProto proto : set.getFileList()) {
      FileDescriptor[] deps =
          proto.getDependencyList().stream().map(files::get).toArray(FileDescriptor[]::new);
      FileDescriptor file = FileDescriptor.buildFrom(proto, deps);
      files.put(proto.getName(), file);
      for (Descriptor message : file.getMessageTypes()) {
        messages.put(message.getFullName(), message);
      }
    }
    return messages;
  }
}
