package io.actionstream.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.actionstream.it.backend.Backends;
import io.actionstream.it.backend.KafkaBackend;
import io.actionstream.training.synth.DemoVideo;
import io.actionstream.training.synth.SynthOptions;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several inference processes with one application id, as an operator scales them: two share the
 * frames topic's partitions, a third joins, a model release published mid-stream reaches all
 * three, one is SIGKILLed and its replacement (same static member id and state volume, as a
 * StatefulSet pod) takes over, and one is stopped for good (scale-in). Afterwards the committed
 * events are exactly one per complete clip: none lost, none duplicated.
 */
class ScaleOutTest {

  private static final int PARTITIONS = 6;
  private static final int CLIP_FRAMES = 16;
  private static final Duration STABLE = Duration.ofSeconds(90);

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.actionstream.it.backend.Backends#all")
  void instancesShareThePartitionsTakeEveryReleaseAndSurviveAKillAndAScaleInWithExactlyOneEventPerClip(Backends.Starter backend)
      throws Exception {
    Path video = dir.resolve("loop.avi");
    DemoVideo.write(video, SynthOptions.DEFAULTS.withSeed(41), 6, CLIP_FRAMES);
    Map<String, Path> cameras = new LinkedHashMap<>();
    camerasOnEveryPartition(2).forEach(id -> cameras.put(id, video));
    byte[] shipped = Files.readAllBytes(Services.SHIPPED_MODEL);
    byte[] renamed = BadReleases.withVersion(shipped, "scaled-1");
    Path release = Files.write(dir.resolve("scaled.onnx"), renamed);
    String ports = freePortRange(4);

    List<ChildJvm> all = new ArrayList<>();
    try (KafkaBackend kafka = backend.start(dir)) {
      Map<String, String> client = kafka.clientProperties();
      ChildJvm one = track(all, instance(client, "inference-0", ports));
      String oneMetrics = Services.awaitServing(one);
      ChildJvm two = track(all, instance(client, "inference-1", ports));
      String twoMetrics = Services.awaitServing(two);
      assertThat(port(twoMetrics)).as("two instances on one host, one port range: no collision").isNotEqualTo(port(oneMetrics));
      // the first says "503 Kafka Streams is REBALANCING" while the second joins, then both are ready
      assertThat(awaitReady(oneMetrics)).isEqualTo("200 ok\n");
      assertThat(awaitReady(twoMetrics)).isEqualTo("200 ok\n");

      try (ChildJvm ingest = Services.ingest(client, cameras, "--loop", "--duration", "45s")) {
        assertShared(client, 2);

        ChildJvm three = track(all, instance(client, "inference-2", ports));
        Services.awaitServing(three);
        assertShared(client, 3);

        publish(client, BadReleases.release(release, BadReleases.sha256(renamed), "scaled-1"));
        for (ChildJvm instance : List.of(one, two, three)) {
          // the only release of the test: "Release student scaled-1 (URI) accepted; it serves from the next batch"
          assertThat(instance.awaitLog("accepted; it serves from the next batch", Duration.ofSeconds(60))).contains("scaled-1");
        }

        two.kill();
        System.out.println("SIGKILLed inference-1 mid-stream; its replacement starts with the same member id and state");
        ChildJvm replacement = track(all, instance(client, "inference-1", ports));
        Services.awaitServing(replacement);
        assertShared(client, 3);

        // a JVM ended by SIGTERM exits with 143 after its shutdown hooks; the service closed itself
        long stopStart = System.nanoTime();
        int exit = three.stop(Duration.ofSeconds(60));
        System.out.printf("scale-in: inference-2 stopped in %d ms%n", (System.nanoTime() - stopStart) / 1_000_000);
        assertThat(exit).as("scale-in: inference-2 ends on SIGTERM").isEqualTo(143);
        assertThat(three.stderr()).as("inference-2 closed Kafka Streams before exiting").contains("Inference stopped");
        assertShared(client, 2);

        assertThat(ingest.awaitExit(Duration.ofSeconds(120))).as(ingest.stderr()).isZero();
        ExpectedClips.awaitExactlyOnePerClip(kafka, CLIP_FRAMES, Duration.ofSeconds(180), List.of(one, replacement));
      }
    } finally {
      all.forEach(ChildJvm::close);
    }
  }

  /**
   * Starts an instance with a static member id (as a StatefulSet pod's name), its own state
   * folder kept across restarts, one stream thread, and the endpoint on the shared port range.
   */
  private ChildJvm instance(Map<String, String> kafka, String memberId, String ports) throws Exception {
    return Services.inferOnPorts(kafka, dir.resolve("state-" + memberId), "512m", ports, "--stream-threads", "1",
        "--partitions", Integer.toString(PARTITIONS), "-X", "group.instance.id=" + memberId);
  }

  /**
   * Camera ids that Kafka's default partitioner (murmur2 of the key) puts {@code each} to every
   * frames partition, so that every instance has cameras to serve whatever it is given.
   */
  private static List<String> camerasOnEveryPartition(int each) {
    Map<Integer, List<String>> byPartition = new HashMap<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; ids.size() < each * PARTITIONS; i++) {
      String id = "cam-" + i;
      int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
      List<String> own = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
      if (own.size() < each) {
        own.add(id);
        ids.add(id);
      }
    }
    return ids;
  }

  private static ChildJvm track(List<ChildJvm> all, ChildJvm child) {
    all.add(child);
    return child;
  }

  /**
   * Waits until the application's consumer group is stable with {@code members} members, each
   * holding frames partitions, and together all of them.
   */
  private static void assertShared(Map<String, String> kafka, int members) throws Exception {
    long deadline = System.nanoTime() + STABLE.toNanos();
    String last = "";
    try (Admin admin = Admin.create(new HashMap<>(kafka))) {
      while (System.nanoTime() < deadline) {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(Services.APPLICATION_ID))
            .describedGroups().get(Services.APPLICATION_ID).get(30, TimeUnit.SECONDS);
        Map<String, Set<Integer>> byMember = new LinkedHashMap<>();
        for (MemberDescription member : group.members()) {
          Set<Integer> partitions = new TreeSet<>();
          for (TopicPartition tp : member.assignment().topicPartitions()) {
            if (tp.topic().equals("frames")) {
              partitions.add(tp.partition());
            }
          }
          byMember.put(member.groupInstanceId().orElse(member.consumerId()), partitions);
        }
        Set<Integer> covered = new TreeSet<>();
        byMember.values().forEach(covered::addAll);
        last = group.groupState() + " " + byMember;
        if (group.groupState() == GroupState.STABLE && byMember.size() == members
            && byMember.values().stream().noneMatch(Set::isEmpty) && covered.size() == PARTITIONS) {
          System.out.printf("%d instances share the %d frames partitions: %s%n", members, PARTITIONS, byMember);
          return;
        }
        Thread.sleep(250);
      }
    }
    throw new AssertionError("the group did not settle on " + members + " members sharing all " + PARTITIONS
        + " partitions within " + STABLE + "; last seen: " + last);
  }

  private static void publish(Map<String, String> kafka, io.actionstream.schemas.v1.ModelRelease release) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(new HashMap<>(kafka), new StringSerializer(),
        new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>("model-releases", release.getModelName(), release.toByteArray())).get();
    }
  }

  private static String awaitReady(String metricsUrl) throws Exception {
    long deadline = System.nanoTime() + STABLE.toNanos();
    String answer = probe(metricsUrl);
    while (!answer.startsWith("200 ") && System.nanoTime() < deadline) {
      Thread.sleep(200);
      answer = probe(metricsUrl);
    }
    return answer;
  }

  private static String probe(String metricsUrl) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(metricsUrl.replace("/metrics", "/health/ready"))).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() + " " + response.body();
  }

  private static int port(String url) {
    return URI.create(url).getPort();
  }

  /** A range of {@code size} ports that were free a moment ago. */
  private static String freePortRange(int size) throws Exception {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first;
      try (ServerSocket socket = new ServerSocket(0)) {
        first = socket.getLocalPort();
      }
      if (first + size - 1 > 65_535) {
        continue;
      }
      boolean free = true;
      for (int p = first + 1; p < first + size && free; p++) {
        try (ServerSocket probe = new ServerSocket(p)) {
          free = true;
        } catch (java.io.IOException taken) {
          free = false;
        }
      }
      if (free) {
        return first + "-" + (first + size - 1);
      }
    }
    throw new IllegalStateException("no free range of " + size + " ports");
  }
}
