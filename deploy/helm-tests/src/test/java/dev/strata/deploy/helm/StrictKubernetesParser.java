package dev.strata.deploy.helm;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

/**
 * Reads a Kubernetes object into its fabric8 model class and refuses what the API server would refuse: a field the
 * schema does not have (fabric8's models keep unknown fields in an "additional properties" map, which is switched
 * off here so that {@code FAIL_ON_UNKNOWN_PROPERTIES} applies), and a value of the wrong type (no coercion between
 * strings, numbers and booleans: {@code replicas: "2"} and an env {@code value: 8080} both fail, as they do on a
 * real cluster). Kinds the chart does not render on purpose are refused as well, so a new kind is a deliberate
 * change to this list.
 */
final class StrictKubernetesParser {

    /** apiVersion/kind → model. KEDA has no fabric8 model: {@link ScaledObject} mirrors its CRD. */
    private static final Map<String, Class<?>> MODELS = new LinkedHashMap<>();

    static {
        for (Class<? extends HasMetadata> type : List.of(Namespace.class, ServiceAccount.class, ConfigMap.class,
                Secret.class, Service.class, Pod.class, Deployment.class, StatefulSet.class,
                HorizontalPodAutoscaler.class, PodDisruptionBudget.class, Ingress.class, NetworkPolicy.class,
                ServiceMonitor.class, PrometheusRule.class)) {
            MODELS.put(HasMetadata.getApiVersion(type) + "/" + HasMetadata.getKind(type), type);
        }
        MODELS.put(ScaledObject.API_VERSION + "/" + ScaledObject.KIND, ScaledObject.class);
    }

    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .addModule(new SimpleModule("strict-kubernetes").setDeserializerModifier(new BeanDeserializerModifier() {
                @Override
                public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                        BeanDeserializerBuilder builder) {
                    // fabric8 collects unknown fields with @JsonAnySetter; without it they are errors
                    builder.setAnySetter(null);
                    return builder;
                }
            }))
            .withCoercionConfig(LogicalType.Textual, config -> config
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Integer, config -> config
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
            .withCoercionConfig(LogicalType.Boolean, config -> config
                    .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
            .build();

    /** The model of one object, or an {@link InvalidObject} that says what is wrong and where. */
    Object parse(JsonNode document) {
        String apiVersion = document.path("apiVersion").asText("");
        String kind = document.path("kind").asText("");
        String name = document.path("metadata").path("name").asText("<no name>");
        Class<?> model = MODELS.get(apiVersion + "/" + kind);
        if (model == null) {
            throw new InvalidObject(kind + " " + name + ": apiVersion/kind " + apiVersion + "/" + kind
                    + " is not one the chart is meant to render (known: " + MODELS.keySet() + ")");
        }
        try {
            return mapper.treeToValue(document, model);
        } catch (JsonProcessingException e) {
            throw new InvalidObject(kind + " " + name + ": " + e.getOriginalMessage() + " at "
                    + pathOf(e), e);
        }
    }

    private static String pathOf(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping) {
            StringBuilder path = new StringBuilder();
            for (var reference : mapping.getPath()) {
                if (reference.getFieldName() != null) {
                    path.append('.').append(reference.getFieldName());
                } else if (reference.getIndex() >= 0) {
                    path.append('[').append(reference.getIndex()).append(']');
                }
            }
            return path.length() == 0 ? "<root>" : path.substring(path.charAt(0) == '.' ? 1 : 0);
        }
        return "<unknown>";
    }

    /** A rendered object that a Kubernetes API server would refuse. */
    static final class InvalidObject extends RuntimeException {
        InvalidObject(String message) {
            super(message);
        }

        InvalidObject(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
