package io.actionstream.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.broker.EmbeddedKafkaBroker;
import io.actionstream.model.ModelContract;
import io.actionstream.model.ModelSpec;
import io.actionstream.model.Precision;
import io.actionstream.model.frame.FrameEncodings;
import io.actionstream.model.runtime.ExecutionProvider;
import io.actionstream.model.runtime.StudentModel;
import io.actionstream.schemas.v1.ModelRelease;
import io.actionstream.training.distill.AttentionDistance;
import io.actionstream.training.distill.EpochStats;
import io.actionstream.training.distill.Role;
import io.actionstream.training.distill.TrainOptions;
import io.actionstream.training.evaluation.ClipResult;
import io.actionstream.training.flow.FlowMethod;
import io.actionstream.training.publish.FileSystemModelStore;
import io.actionstream.training.synth.SynthActionsWriter;
import io.actionstream.training.synth.SynthOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training run in seconds: a tiny generated SynthActions set (with one corrupt video),
 * real optical flow, real DJL training of teacher, baseline and student, export with parity
 * check, the gate, the model store and a release on the embedded broker's topic; then a second
 * run that resumes from the checkpoints.
 */
class TrainingPipelineSmokeTest {

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static TrainingPlan plan;
  private static TrainingResult first;
  private static String corrupt;

  @BeforeAll
  static void trainOnce() throws Exception {
    broker = EmbeddedKafkaBroker.start();
    Path data = dir.resolve("synth");
    new SynthActionsWriter(SynthOptions.DEFAULTS.withClipsPerClass(10).withSize(48).withFrames(12)).write(data, 2, d -> {});
    corrupt = Files.readAllLines(data.resolve("trainlist01.txt")).get(3).split(" ")[0];
    Files.write(data.resolve(corrupt), "not a video".getBytes());
    plan = new TrainingPlan(data, 1, dir.resolve("work"), dir.resolve("out"), "student", 8, 1, 32, 40,
        FrameEncodings.DEFAULT, new int[] {8, 16, 16, 32}, FlowMethod.DIS, 4f, 0.1,
        new TrainOptions(8, 8, 3e-3f, 1e-4f, 1f, AttentionDistance.KL, 1), new TrainOptions(8, 8, 3e-3f, 1e-4f, 1f, AttentionDistance.KL, 1),
        2, 0, 0.01,
        dir.resolve("store"), Map.of("bootstrap.servers", broker.bootstrapServers()), "model-releases", "smoke test");
    first = TrainingPipeline.run(plan);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void theTrainingLossFallsForEveryNetwork() {
    for (Role role : Role.values()) {
      List<EpochStats> history = first.histories().get(role);
      assertThat(history).as(role.label()).hasSize(8);
      assertThat(history.get(7).trainLoss()).as(role.label()).isLessThan(history.get(0).trainLoss());
    }
  }

  @Test
  void distillationPullsTheStudentsAttentionTowardsTheTeachers() {
    List<EpochStats> student = first.histories().get(Role.STUDENT);
    assertThat(student.get(7).distillLoss()).isLessThan(student.get(0).distillLoss());

    List<ClipResult> teacher = first.evaluations().get(Role.TEACHER).results();
    double studentGap = meanKl(teacher, first.evaluations().get(Role.STUDENT).results());
    double baselineGap = meanKl(teacher, first.evaluations().get(Role.BASELINE).results());
    assertThat(studentGap).as("KL(teacher || student) vs KL(teacher || baseline) on the test clips").isLessThan(baselineGap);
  }

  @Test
  void theExportMatchesTheTrainedNetworkAndDescribesItself() throws Exception {
    assertThat(first.parity().passed()).isTrue();
    assertThat(first.parity().max()).isLessThan(1e-4);
    try (StudentModel model = StudentModel.load(Files.readAllBytes(first.onnx()), ExecutionProvider.CPU, "export")) {
      ModelSpec spec = model.spec();
      assertThat(spec.labels()).startsWith("raise_arm", "lower_arm");
      assertThat(spec.frames()).isEqualTo(8);
      assertThat(spec.height()).isEqualTo(32);
      assertThat(spec.resize()).isEqualTo(ModelContract.SHORT_SIDE_CENTRE_CROP);
      assertThat(spec.resizeShortSide()).isEqualTo(40);
      assertThat(spec.frameEncoding()).as("trained on frames encoded as the ingest encodes them").isEqualTo(FrameEncodings.DEFAULT);
      assertThat(spec.fps()).as("the synthetic videos' rate").isEqualTo(8);
      assertThat(spec.version()).isEqualTo(first.release().getVersion());
      assertThat(spec.input()).as("the release carries the file's input spec").isEqualTo(first.release().getInputSpec());
      assertThat(spec.gflops()).isPositive();
      StudentModel.Output out = model.run(new float[2 * 3 * 8 * 32 * 32], 2);
      assertThat(out.logits()).hasSize(20);
      assertThat(out.attention()).hasSize(2 * 2 * 4 * 4);
    }
  }

  @Test
  void theReleaseLandsOnTheCompactedTopicAndMatchesTheStoredArtifact() throws Exception {
    ModelRelease release = releasesOnTopic().get(0);
    assertThat(release).isEqualTo(first.release());
    assertThat(release.getLabelsList()).hasSize(10);
    assertThat(release.getInputSpec().getFrames()).isEqualTo(8);
    assertThat(release.getInputSpec().getResizeShortSide()).isEqualTo(40);
    byte[] artifact = Files.readAllBytes(Path.of(java.net.URI.create(release.getArtifactUri())));
    assertThat(FileSystemModelStore.sha256(artifact)).isEqualTo(release.getSha256());
    assertThat(artifact).isEqualTo(Files.readAllBytes(first.onnx()));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      var resource = new ConfigResource(ConfigResource.Type.TOPIC, "model-releases");
      String policy = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy").value();
      assertThat(policy).isEqualTo("compact");
    }
  }

  @Test
  void theCorruptVideoIsSkippedAndListedInTheReport() throws Exception {
    String report = Files.readString(first.report());
    assertThat(report).contains("## Skipped videos").contains("`" + corrupt + "`").contains("1 listed video(s)");
    assertThat(report).contains("| flow teacher |").contains("| RGB baseline |").contains("| distilled student |");
    assertThat(report).containsPattern("\\*\\*(Goal met|Goal not met|No verdict)\\.\\*\\*");
    assertThat(first.report().resolveSibling("learning-curves.png")).isNotEmptyFile();
    assertThat(first.report().resolveSibling("attention.png")).isNotEmptyFile();
  }

  @Test
  void aSecondRunResumesFromTheCheckpointsAndIsComparedWithTheReleaseInService() throws Exception {
    TrainingPlan again = new TrainingPlan(plan.data(), plan.split(), plan.work(), dir.resolve("out-2"), plan.modelName(),
        plan.frames(), plan.stride(), plan.size(), plan.cacheSize(), plan.frameEncoding(), plan.widths(), plan.flow(), plan.flowBound(),
        plan.validationShare(), plan.options(), plan.baselineOptions(), plan.threads(), 8, plan.gateMargin(), plan.modelStore(), plan.kafka(), plan.releaseTopic(),
        "again");
    TrainingResult second = TrainingPipeline.run(again);

    for (Role role : Role.values()) {
      assertThat(second.histories().get(role)).as(role.label()).isEqualTo(first.histories().get(role));
    }
    assertThat(second.gate().currentVersion()).isEqualTo(first.release().getVersion());
    // same weights, same validation clips: a tie, which keeps the release in service
    assertThat(second.gate().currentAccuracy()).isEqualTo(second.gate().candidateAccuracy());
    assertThat(second.gate().passed()).isFalse();
    assertThat(second.gate().reason()).contains("+0.0 points (margin 1.0)").contains("0 clips only the candidate gets right")
        .contains("McNemar p = 1").contains("stays in service");
    assertThat(second.published()).isFalse();

    // asked for int8: either it kept fp32's validation top-1 within a point and is the model served,
    // with fp32 beside it, or it was refused and fp32 is served; the report says which
    String report = Files.readString(second.report());
    try (StudentModel served = StudentModel.load(Files.readAllBytes(second.onnx()), ExecutionProvider.CPU, "served")) {
      if (served.spec().precision() == Precision.INT8) {
        assertThat(second.onnx().resolveSibling("student-fp32.onnx")).isNotEmptyFile();
        assertThat(report).contains("int8: `student.onnx` above is the int8 model").contains("| validation (decides) |")
            .contains("| test (read once) |");
      } else {
        assertThat(report).contains("int8: **refused**, so the fp32 model is the one served: the int8 model loses");
      }
    }
  }

  private static double meanKl(List<ClipResult> teacher, List<ClipResult> model) {
    double sum = 0;
    for (int i = 0; i < teacher.size(); i++) {
      float[] p = teacher.get(i).map();
      float[] q = model.get(i).map();
      for (int j = 0; j < p.length; j++) {
        sum += p[j] * (Math.log(p[j] + 1e-8) - Math.log(q[j] + 1e-8));
      }
    }
    return sum / teacher.size();
  }

  private static List<ModelRelease> releasesOnTopic() throws Exception {
    Map<String, Object> props = Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", UUID.randomUUID().toString(),
        "auto.offset.reset", "earliest");
    List<ModelRelease> releases = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Set.of("model-releases"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (releases.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          assertThat(record.key()).isEqualTo("student");
          releases.add(ModelRelease.parseFrom(record.value()));
        }
      }
    }
    assertThat(releases).isNotEmpty();
    return releases;
  }
}
