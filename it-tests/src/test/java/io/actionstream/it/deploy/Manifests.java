package io.actionstream.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * One overlay of k8s/ rendered by {@code kubectl kustomize} and parsed strictly: every object
 * into its Kubernetes model class (fabric8), and no field left over that the model does not
 * know, at any depth; KEDA's objects into {@link Keda}'s records, unknown fields failing.
 */
record Manifests(String overlay, List<Object> objects) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final Map<String, Class<?>> KINDS = Map.of(
      "v1/Namespace", Namespace.class,
      "v1/ConfigMap", ConfigMap.class,
      "v1/Service", Service.class,
      "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
      "apps/v1/StatefulSet", StatefulSet.class,
      "apps/v1/Deployment", Deployment.class,
      "batch/v1/CronJob", CronJob.class,
      "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
      "keda.sh/v1alpha1/ScaledObject", Keda.ScaledObject.class,
      "keda.sh/v1alpha1/TriggerAuthentication", Keda.TriggerAuthentication.class);

  static Manifests render(Tool kubectl, String overlay) throws Exception {
    Tool.Run run = kubectl.run(Tool.ROOT, "kustomize", "k8s/overlays/" + overlay);
    assertThat(run.exitCode()).as("kubectl kustomize k8s/overlays/%s:%n%s", overlay, run.output()).isZero();
    List<Object> objects = new ArrayList<>();
    try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(run.output())) {
      while (documents.hasNext()) {
        JsonNode document = documents.next();
        String kind = document.path("apiVersion").asText() + "/" + document.path("kind").asText();
        Class<?> type = KINDS.get(kind);
        assertThat(type).as("a model for %s (%s)", kind, document.path("metadata").path("name").asText()).isNotNull();
        Object parsed = YAML.treeToValue(document, type);
        assertNoUnknownFields(parsed, kind + " " + document.path("metadata").path("name").asText());
        objects.add(parsed);
      }
    }
    return new Manifests(overlay, List.copyOf(objects));
  }

  <T> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  <T> T one(Class<T> type, String namePrefix) {
    List<T> found = all(type).stream().filter(o -> name(o).startsWith(namePrefix)).toList();
    assertThat(found).as("%s named %s* in %s", type.getSimpleName(), namePrefix, overlay).hasSize(1);
    return found.get(0);
  }

  private static String name(Object object) {
    if (object instanceof io.fabric8.kubernetes.api.model.HasMetadata resource) {
      return resource.getMetadata().getName();
    }
    if (object instanceof Keda.ScaledObject scaled) {
      return scaled.metadata().name();
    }
    return object instanceof Keda.TriggerAuthentication auth ? auth.metadata().name() : "";
  }

  /**
   * fabric8's classes keep fields they do not know in {@code additionalProperties} instead of
   * failing: walk the whole object and fail on any such field, naming where it is.
   */
  private static void assertNoUnknownFields(Object node, String where) throws Exception {
    if (node == null || !node.getClass().getPackageName().startsWith("io.fabric8")) {
      if (node instanceof Collection<?> items) {
        int i = 0;
        for (Object item : items) {
          assertNoUnknownFields(item, where + "[" + i++ + "]");
        }
      } else if (node instanceof Map<?, ?> map) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          assertNoUnknownFields(entry.getValue(), where + "." + entry.getKey());
        }
      }
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object value = getter.invoke(node);
      if (getter.getName().equals("getAdditionalProperties")) {
        assertThat((Map<?, ?>) value).as("fields the Kubernetes model does not know at %s", where).isNullOrEmpty();
      } else {
        assertNoUnknownFields(value, where + "." + getter.getName().substring(3, 4).toLowerCase() + getter.getName().substring(4));
      }
    }
  }
}
