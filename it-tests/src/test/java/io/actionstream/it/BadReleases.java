package io.actionstream.it;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import io.actionstream.schemas.v1.ModelRelease;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Model releases made from the shipped student: good ones under a new version, and one of each
 * kind that the inference must refuse (checksum mismatch, truncated file, not ONNX, wrong input
 * shape, missing output, unreachable artifact).
 */
final class BadReleases {

  static final List<String> LABELS = List.of("raise_arm", "lower_arm", "sit_down", "stand_up", "walk_left", "walk_right",
      "bend_down", "straighten_up", "wave", "jump");

  private BadReleases() {}

  /** The six bad releases, their artifacts written to {@code dir}. */
  static List<ModelRelease> all(Path shipped, Path dir) throws IOException {
    byte[] good = Files.readAllBytes(shipped);
    Path truncated = Files.write(dir.resolve("truncated.onnx"), Arrays.copyOf(good, good.length / 2));
    Path text = Files.writeString(dir.resolve("notes.onnx"), "this is not a model");
    Path wrongInput = Files.write(dir.resolve("wrong-input.onnx"), withInputFrames(good, 8));
    Path noAttention = Files.write(dir.resolve("no-attention.onnx"), withoutAttention(good));
    return List.of(
        release(shipped, "0".repeat(64), "checksum"),
        release(truncated, sha256(Files.readAllBytes(truncated)), "truncated"),
        release(text, sha256(Files.readAllBytes(text)), "text"),
        release(wrongInput, sha256(Files.readAllBytes(wrongInput)), "wrong-input"),
        release(noAttention, sha256(Files.readAllBytes(noAttention)), "no-attention"),
        release(dir.resolve("missing.onnx"), sha256(good), "unreachable"));
  }

  /** How the inference counts the refusals of {@link #all} by reason. */
  static final java.util.Map<String, Double> EXPECTED_REFUSALS = java.util.Map.of(
      "checksum_mismatch", 1.0, "not_onnx", 2.0, "wrong_input", 1.0, "missing_outputs", 1.0, "unreachable", 1.0);

  static ModelRelease release(Path file, String sha256, String version) {
    return ModelRelease.newBuilder().setModelName("student").setVersion(version).setArtifactUri(file.toUri().toString())
        .setSha256(sha256).addAllLabels(LABELS).build();
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String version(byte[] onnx) throws IOException {
    return ModelProto.parseFrom(onnx).getMetadataPropsList().stream()
        .filter(p -> p.getKey().equals("actionstream.version")).findFirst().orElseThrow().getValue();
  }

  static byte[] withVersion(byte[] onnx, String version) throws IOException {
    ModelProto.Builder model = ModelProto.parseFrom(onnx).toBuilder();
    for (int i = 0; i < model.getMetadataPropsCount(); i++) {
      if (model.getMetadataProps(i).getKey().equals("actionstream.version")) {
        model.setMetadataProps(i, StringStringEntryProto.newBuilder().setKey("actionstream.version").setValue(version));
      }
    }
    return model.build().toByteArray();
  }

  /** The same network declaring 8-frame clips in its input: ONNX Runtime reports the mismatch. */
  private static byte[] withInputFrames(byte[] onnx, int frames) throws IOException {
    ModelProto.Builder model = ModelProto.parseFrom(onnx).toBuilder();
    var input = model.getGraphBuilder().getInputBuilder(0);
    input.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2).setDimValue(frames);
    return model.build().toByteArray();
  }

  /** The same network with its attention output renamed. */
  private static byte[] withoutAttention(byte[] onnx) throws IOException {
    ModelProto.Builder model = ModelProto.parseFrom(onnx).toBuilder();
    var graph = model.getGraphBuilder();
    for (var node : graph.getNodeBuilderList()) {
      for (int i = 0; i < node.getOutputCount(); i++) {
        if (node.getOutput(i).equals("attention")) {
          node.setOutput(i, "heatmap");
        }
      }
    }
    for (var output : graph.getOutputBuilderList()) {
      if (output.getName().equals("attention")) {
        output.setName("heatmap");
      }
    }
    return model.build().toByteArray();
  }
}
