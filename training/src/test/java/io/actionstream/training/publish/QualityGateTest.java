package io.actionstream.training.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.dataset.ClipSpec;
import io.actionstream.training.dataset.DatasetReader;
import io.actionstream.training.dataset.FrameCache;
import io.actionstream.training.dataset.PreparedDataset.Item;
import io.actionstream.training.dataset.PreparedDataset;
import io.actionstream.training.dataset.VideoDataset;
import io.actionstream.training.export.OnnxExporter;
import io.actionstream.training.network.AttentionNet;
import io.actionstream.training.network.NetworkSpec;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate with real exported networks in ONNX Runtime. The networks are rigged: a classifier
 * with zero weights and a one-hot bias always predicts that class, so on validation clips of
 * one class the "right" network scores 100% and the "wrong" one 0%, whatever their backbone.
 */
class QualityGateTest {

  @TempDir static Path dir;
  private static List<Item> jumps;
  private static List<String> classes;
  private static final NetworkSpec SPEC = new NetworkSpec(3, 8, 32, 32, new int[] {4, 8, 8, 16}, 10);
  private static ModelSpec contract;

  @BeforeAll
  static void prepare() throws Exception {
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(5).withSize(48).withFrames(8)).write(dir.resolve("data"), 2, d -> {});
    VideoDataset data = DatasetReader.read(dir.resolve("data"), 1);
    classes = data.classes();
    contract = new ModelSpec("student", "test", classes,
        ModelSpec.input(8, 32, 32, 8, ClipSpec.MEAN, ClipSpec.STD, 40, FrameEncodings.DEFAULT), ModelSpec.attention(2, 4, 4), 0.01);
    PreparedDataset prepared = PreparedDataset.prepare(data, new FrameCache(dir.resolve("cache"), contract, 64), null, 0.1, 1, 2);
    int jump = classes.indexOf("jump");
    List<Item> all = new java.util.ArrayList<>(prepared.train());
    all.addAll(prepared.validation());
    all.addAll(prepared.test());
    jumps = all.stream().filter(i -> i.sample().label() == jump).toList();
    assertThat(jumps).hasSize(5);
  }

  @Test
  void withNoReleaseInServiceTheCandidatePasses() {
    FileSystemModelStore store = new FileSystemModelStore(dir.resolve("store-empty"));
    GateDecision decision = new QualityGate(store, jumps, 1, 0.01).decide(rigged("jump"), store.current("student"));

    assertThat(decision.passed()).isTrue();
    assertThat(decision.reason()).isEqualTo("no release in service yet");
  }

  @Test
  void onlyACandidateBetterByTheMarginPassesAndTheReasonGivesTheEvidence() {
    FileSystemModelStore store = new FileSystemModelStore(dir.resolve("store"));
    ModelRelease good = promote(store, "v1", rigged("jump"));
    QualityGate gate = new QualityGate(store, jumps, 1, 0.01);

    GateDecision worse = gate.decide(rigged("wave"), Optional.of(good));
    assertThat(worse.passed()).isFalse();
    assertThat(worse.candidateAccuracy()).isZero();
    assertThat(worse.currentAccuracy()).isEqualTo(1.0);
    assertThat(worse.reason()).contains("-100.0 points").contains("0 clips only the candidate gets right, 5 only the release")
        .contains("McNemar p = 0.063").contains("v1 stays in service"); // p = 2 * (1/2)^5 = 0.0625

    GateDecision tie = gate.decide(rigged("jump"), Optional.of(good));
    assertThat(tie.passed()).as("a tie is no reason to replace the release").isFalse();

    ModelRelease bad = promote(store, "v2", rigged("wave"));
    GateDecision better = gate.decide(rigged("jump"), Optional.of(bad));
    assertThat(better.passed()).isTrue();
    assertThat(better.reason()).contains("+100.0 points (margin 1.0)").contains("5 clips only the candidate").endsWith("; published");
  }

  @Test
  void theStoreKeepsArtifactsWithTheirChecksumAndRefusesATamperedOne() throws Exception {
    FileSystemModelStore store = new FileSystemModelStore(dir.resolve("store-2"));
    byte[] onnx = rigged("jump");
    StoredArtifact artifact = store.put("student", "v7", onnx);

    Path file = Path.of(java.net.URI.create(artifact.uri()));
    assertThat(file).exists().hasBinaryContent(onnx);
    assertThat(Files.readString(file.resolveSibling("student.onnx.sha256"))).startsWith(artifact.sha256() + "  student.onnx");
    assertThat(store.read(artifact.uri(), artifact.sha256())).isEqualTo(onnx);

    Files.write(file, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> store.read(artifact.uri(), artifact.sha256())).hasMessageContaining("expected " + artifact.sha256());
  }

  private static ModelRelease promote(ModelStore store, String version, byte[] onnx) {
    StoredArtifact artifact = store.put("student", version, onnx);
    ModelRelease release = ModelRelease.newBuilder().setModelName("student").setVersion(version)
        .setArtifactUri(artifact.uri()).setSha256(artifact.sha256()).addAllLabels(classes).build();
    store.promote(release);
    assertThat(store.current("student")).contains(release);
    return release;
  }

  /** An exported network that always predicts {@code label}. */
  private static byte[] rigged(String label) {
    try (Model model = Model.newInstance("rigged")) {
      AttentionNet net = new AttentionNet(SPEC);
      model.setBlock(net);
      try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss()))) {
        trainer.initialize(new Shape(1, 3, 8, 32, 32));
        Block classifier = net.classifier();
        var weight = classifier.getParameters().get("weight").getArray();
        weight.subi(weight);
        var bias = classifier.getParameters().get("bias").getArray();
        float[] oneHot = new float[10];
        oneHot[classes.indexOf(label)] = 10f;
        bias.set(oneHot);
        return OnnxExporter.export(net, contract, "rigged");
      }
    }
  }
}
