package dev.strata.deploy.helm;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.fabric8.kubernetes.api.model.ObjectMeta;

/**
 * KEDA's ScaledObject (keda.sh/v1alpha1), field for field as in its CRD (KEDA 2.19), for strict parsing: fabric8
 * ships no KEDA model. Unknown fields and wrong types fail like they do for the fabric8 models; trigger metadata
 * values must be strings, as KEDA requires.
 */
record ScaledObject(String apiVersion, String kind, ObjectMeta metadata, Spec spec) {

    static final String API_VERSION = "keda.sh/v1alpha1";
    static final String KIND = "ScaledObject";

    record Spec(ScaleTargetRef scaleTargetRef, Integer pollingInterval, Integer initialCooldownPeriod,
            Integer cooldownPeriod, Integer idleReplicaCount, Integer minReplicaCount, Integer maxReplicaCount,
            JsonNode advanced, Fallback fallback, List<Trigger> triggers) {
    }

    record ScaleTargetRef(String apiVersion, String kind, String name, String envSourceContainerName) {
    }

    record Fallback(Integer failureThreshold, Integer replicas, String behavior) {
    }

    record Trigger(String type, String name, Boolean useCachedMetrics, String metricType, Map<String, String> metadata,
            AuthenticationRef authenticationRef) {
    }

    record AuthenticationRef(String name, String kind) {
    }
}
