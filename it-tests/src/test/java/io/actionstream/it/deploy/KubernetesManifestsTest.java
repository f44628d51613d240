package io.actionstream.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both overlays of k8s/, rendered by the real kubectl (Debian's, kustomize built in), parsed
 * strictly, and held to the policies operators rely on.
 */
class KubernetesManifestsTest {

  private static Manifests cpu;
  private static Manifests gpu;

  @BeforeAll
  static void render() throws Exception {
    Tool kubectl = Tool.require("kubectl", "kubectl");
    cpu = Manifests.render(kubectl, "cpu");
    gpu = Manifests.render(kubectl, "gpu");
  }

  static Stream<String> overlays() {
    return Stream.of("cpu", "gpu");
  }

  private static Manifests overlay(String name) {
    return name.equals("cpu") ? cpu : gpu;
  }

  /** The pod templates of an overlay: workload name to template. */
  private static Map<String, PodTemplateSpec> pods(Manifests m) {
    Map<String, PodTemplateSpec> pods = new LinkedHashMap<>();
    m.all(StatefulSet.class).forEach(s -> pods.put(s.getMetadata().getName(), s.getSpec().getTemplate()));
    m.all(Deployment.class).forEach(d -> pods.put(d.getMetadata().getName(), d.getSpec().getTemplate()));
    m.all(CronJob.class).forEach(c -> pods.put(c.getMetadata().getName(), c.getSpec().getJobTemplate().getSpec().getTemplate()));
    return pods;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyPodRunsAsNonRootWithAReadOnlyRootFilesystemLimitsAndNoPrivileges(String name) {
    Map<String, PodTemplateSpec> pods = pods(overlay(name));
    assertThat(pods).containsOnlyKeys("actionstream-inference", "actionstream-ingest", "actionstream-training", "actionstream-viewer");
    pods.forEach((workload, pod) -> {
      assertThat(pod.getSpec().getSecurityContext().getRunAsNonRoot()).as("%s runs as non-root", workload).isTrue();
      assertThat(pod.getSpec().getSecurityContext().getRunAsUser()).as(workload).isPositive();
      for (Container c : pod.getSpec().getContainers()) {
        String where = workload + "/" + c.getName();
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as("%s read-only root", where).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(where).isFalse();
        assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(where).containsExactly("ALL");
        assertThat(c.getResources().getRequests()).as("%s requests", where).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).as("%s limits", where).containsKeys("cpu", "memory");
        assertThat(c.getVolumeMounts()).as("%s has a writable /tmp (the root is read-only)", where)
            .anyMatch(v -> v.getMountPath().equals("/tmp") && !Boolean.TRUE.equals(v.getReadOnly()));
        assertThat(c.getImage()).as(where).matches("actionstream:0\\.1\\.0-SNAPSHOT(-cuda)?");
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void servicesHaveStartupLivenessAndReadinessProbesOnTheirScrapedOpsPort(String name) {
    Map<String, PodTemplateSpec> pods = pods(overlay(name));
    for (String workload : List.of("actionstream-inference", "actionstream-ingest", "actionstream-viewer")) {
      PodTemplateSpec pod = pods.get(workload);
      Container c = pod.getSpec().getContainers().get(0);
      assertThat(path(c.getStartupProbe())).as(workload).isEqualTo("/health/live");
      assertThat(path(c.getLivenessProbe())).as(workload).isEqualTo("/health/live");
      assertThat(path(c.getReadinessProbe())).as(workload).isEqualTo("/health/ready");
      int opsPort = c.getPorts().stream().filter(p -> p.getName().equals("ops")).findFirst().orElseThrow().getContainerPort();
      assertThat(pod.getMetadata().getAnnotations()).as(workload)
          .containsEntry("prometheus.io/scrape", "true")
          .containsEntry("prometheus.io/port", Integer.toString(opsPort))
          .containsEntry("prometheus.io/path", "/metrics");
      // the services' operations port, or the viewer's one port (page, metrics and probes)
      assertThat(c.getArgs()).as(workload).containsAnyOf("--metrics-port=" + opsPort, "--port=" + opsPort);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void everyCommandParsesWithItsEnvironmentAndKafkaSecretsAreReferencedNeverInlined(String name) {
    Manifests m = overlay(name);
    assertThat(m.objects()).as("no Secret object in the manifests").noneMatch(o -> o.getClass().getSimpleName().equals("Secret"));
    pods(m).forEach((workload, pod) -> {
      Container c = pod.getSpec().getContainers().get(0);
      Map<String, String> env = environment(m, c);
      DeployedCommand.parse(c.getArgs(), env);
      for (EnvVar var : c.getEnv()) {
        if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
          assertThat(var.getValueFrom().getSecretKeyRef().getName()).as("%s %s", workload, var.getName())
              .isIn("actionstream-kafka", "actionstream-viewer");
        }
        assertThat(String.valueOf(var.getValue()).toLowerCase()).as("%s %s holds no credential", workload, var.getName())
            .doesNotContain("password").doesNotContain("secret");
      }
      assertThat(c.getArgs()).as(workload).filteredOn(a -> a.startsWith("sasl.jaas.config="))
          .singleElement().asString().contains("username=\"$(KAFKA_USERNAME)\"").contains("password=\"$(KAFKA_PASSWORD)\"");
      assertThat(pod.getSpec().getVolumes()).as(workload)
          .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("actionstream-kafka"));
    });
  }

  @Test
  void inferenceIsAStatefulSetWithStaticMembershipStandbysAndADisruptionBudget() {
    StatefulSet inference = cpu.one(StatefulSet.class, "actionstream-inference");
    Container c = inference.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).contains("group.instance.id=$(POD_NAME)", "num.standby.replicas=$(STANDBY_REPLICAS)");
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("POD_NAME")
        && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"));
    assertThat(settings(cpu)).containsKey("STANDBY_REPLICAS");
    PodDisruptionBudget pdb = cpu.one(PodDisruptionBudget.class, "actionstream-inference");
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(inference.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
  }

  @Test
  void onlyTheGpuOverlayRequestsAGpuAndItRunsTheCudaImageWithTheCudaProviderOnGpuNodes() {
    for (Manifests m : List.of(cpu, gpu)) {
      pods(m).forEach((workload, pod) -> {
        Container c = pod.getSpec().getContainers().get(0);
        boolean gpuInference = m == gpu && workload.equals("actionstream-inference");
        assertThat(c.getResources().getLimits().containsKey("nvidia.com/gpu")).as("%s %s limits a GPU", m.overlay(), workload)
            .isEqualTo(gpuInference);
        assertThat(c.getImage().endsWith("-cuda")).as("%s %s image", m.overlay(), workload).isEqualTo(gpuInference);
      });
    }
    PodTemplateSpec pod = gpu.one(StatefulSet.class, "actionstream-inference").getSpec().getTemplate();
    assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu")).isEqualTo(new Quantity("1"));
    assertThat(pod.getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
    assertThat(pod.getSpec().getTolerations()).anyMatch(t -> t.getKey().equals("nvidia.com/gpu") && t.getEffect().equals("NoSchedule"));
    assertThat(settings(gpu)).containsEntry("PROVIDER", "cuda");
    assertThat(settings(cpu)).containsEntry("PROVIDER", "cpu");
    assertThat(cpu.one(StatefulSet.class, "actionstream-inference").getSpec().getTemplate().getSpec().getTolerations()).isNullOrEmpty();
  }

  @Test
  void trainingIsACronJobThatNeverOverlapsAndKeepsItsWorkOnPersistentVolumes() {
    CronJob training = cpu.one(CronJob.class, "actionstream-training");
    assertThat(training.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    var pod = training.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getVolumes()).filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactlyInAnyOrder("actionstream-training", "actionstream-model-store");
    assertThat(pod.getContainers().get(0).getArgs()).contains("--model-store=/var/lib/actionstream/model-store")
        .anyMatch(a -> a.startsWith("--work=/var/lib/actionstream/training/"))
        .anyMatch(a -> a.startsWith("--data=/var/lib/actionstream/training/"));
    // the inference reads the artifacts the releases point at from the same claim
    assertThat(cpu.one(StatefulSet.class, "actionstream-inference").getSpec().getTemplate().getSpec().getVolumes())
        .anyMatch(v -> v.getPersistentVolumeClaim() != null && v.getPersistentVolumeClaim().getClaimName().equals("actionstream-model-store"));
    assertThat(cpu.one(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, "actionstream-model-store").getSpec().getAccessModes())
        .containsExactly("ReadWriteMany");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("overlays")
  void autoscalingFollowsTheFramesLagAndNeverExceedsThePartitions(String name) {
    Manifests m = overlay(name);
    Keda.ScaledObject scaled = m.one(Keda.ScaledObject.class, "actionstream-inference");
    assertThat(scaled.spec().scaleTargetRef().kind()).isEqualTo("StatefulSet");
    assertThat(scaled.spec().scaleTargetRef().name()).isEqualTo("actionstream-inference");
    int partitions = Integer.parseInt(settings(m).get("PARTITIONS"));
    assertThat(scaled.spec().maxReplicaCount()).as("replicas beyond the partitions get no work").isBetween(1, partitions);
    Keda.Trigger trigger = scaled.spec().triggers().get(0);
    assertThat(trigger.type()).isEqualTo("kafka");
    // the inference's default application id is its consumer group
    assertThat(trigger.metadata()).containsEntry("topic", "frames").containsEntry("consumerGroup", "actionstream-inference")
        .containsEntry("allowIdleConsumers", "false");
    assertThat(m.one(StatefulSet.class, "actionstream-inference").getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .noneMatch(a -> a.startsWith("--application-id"));
    Keda.TriggerAuthentication auth = m.one(Keda.TriggerAuthentication.class, trigger.authenticationRef().name());
    assertThat(auth.spec().secretTargetRef()).allMatch(ref -> ref.name().equals("actionstream-kafka"));
  }

  @Test
  void theViewerServesBeyondLoopbackWithItsTokenFromASecret() {
    Container c = cpu.one(Deployment.class, "actionstream-viewer").getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(c.getArgs()).contains("--bind=0.0.0.0");
    assertThat(c.getEnv()).anyMatch(e -> e.getName().equals("ACTIONSTREAM_VIEWER_TOKEN")
        && e.getValueFrom().getSecretKeyRef().getName().equals("actionstream-viewer"));
  }

  @Test
  void ingestIsOneReplicaThatMountsTheCamerasConfigMapAndNeverOverlapsARollout() {
    Deployment ingest = cpu.one(Deployment.class, "actionstream-ingest");
    assertThat(ingest.getSpec().getReplicas()).isEqualTo(1);
    assertThat(ingest.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    String configMap = ingest.getSpec().getTemplate().getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null)
        .findFirst().orElseThrow().getConfigMap().getName();
    assertThat(cpu.one(ConfigMap.class, configMap).getData()).containsKey("cameras.yaml");
    assertThat(cpu.all(ConfigMap.class)).anyMatch(c -> c.getMetadata().getName().startsWith("actionstream-alert-rules"))
        .anyMatch(c -> c.getMetadata().getName().startsWith("actionstream-dashboard")
            && "1".equals(c.getMetadata().getLabels().get("grafana_dashboard")));
  }

  private static String path(Probe probe) {
    assertThat(probe).isNotNull();
    return probe.getHttpGet().getPath();
  }

  private static Map<String, String> settings(Manifests m) {
    return m.one(ConfigMap.class, "actionstream-inference").getData();
  }

  /** What a container sees: its ConfigMaps, literal values, the pod name, and stand-ins for secrets. */
  private static Map<String, String> environment(Manifests m, Container c) {
    Map<String, String> env = new HashMap<>();
    if (c.getEnvFrom() != null) {
      c.getEnvFrom().forEach(from -> env.putAll(m.one(ConfigMap.class, from.getConfigMapRef().getName()).getData()));
    }
    for (EnvVar var : c.getEnv()) {
      if (var.getValue() != null) {
        env.put(var.getName(), var.getValue());
      } else if (var.getValueFrom().getFieldRef() != null) {
        env.put(var.getName(), "actionstream-inference-0");
      } else {
        env.put(var.getName(), "value-of-" + var.getValueFrom().getSecretKeyRef().getKey());
      }
    }
    return env;
  }
}
