package io.actionstream.it.deploy;

import java.util.List;
import java.util.Map;

/**
 * KEDA's two custom resources as the manifests use them, for strict parsing: the Kubernetes model
 * library has no KEDA types, so these records follow KEDA's v2 CRDs ({@code keda.sh/v1alpha1}),
 * field for field, and an unknown field fails.
 */
final class Keda {

  private Keda() {}

  record Metadata(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {}

  record ScaledObject(String apiVersion, String kind, Metadata metadata, ScaledObjectSpec spec) {}

  record ScaledObjectSpec(ScaleTarget scaleTargetRef, Integer minReplicaCount, Integer maxReplicaCount, Integer pollingInterval,
      Integer cooldownPeriod, Integer idleReplicaCount, List<Trigger> triggers) {}

  record ScaleTarget(String apiVersion, String kind, String name, String envSourceContainerName) {}

  record Trigger(String type, String name, Map<String, String> metadata, AuthenticationRef authenticationRef, String metricType) {}

  record AuthenticationRef(String name, String kind) {}

  record TriggerAuthentication(String apiVersion, String kind, Metadata metadata, TriggerAuthenticationSpec spec) {}

  record TriggerAuthenticationSpec(List<SecretTarget> secretTargetRef) {}

  record SecretTarget(String parameter, String name, String key) {}
}
