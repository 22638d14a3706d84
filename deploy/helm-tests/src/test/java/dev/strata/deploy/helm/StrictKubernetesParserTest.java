package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The strict parser refuses what an API server refuses; without these, the chart's checks could not fail. */
class StrictKubernetesParserTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: demo
            spec:
              %s
              selector:
                matchLabels: {app: demo}
              template:
                metadata:
                  labels: {app: demo}
                spec:
                  containers:
                    - name: demo
                      image: example/demo:1.0
                      %s
            """;

    private static String deployment(String specLine, String containerLine) {
        return DEPLOYMENT.formatted(specLine, containerLine);
    }

    @Test
    void aValidDeploymentParses() {
        Rendered rendered = Rendered.parse(deployment("replicas: 2", "env: [{name: A, value: \"1\"}]"));
        Deployment deployment = assertInstanceOf(Deployment.class, rendered.items().get(0).model());
        assertEquals(2, deployment.getSpec().getReplicas());
    }

    @Test
    void anUnknownFieldFailsWithItsPath() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Rendered.parse(deployment("replica: 2", "")));
        assertTrue(error.getMessage().contains("\"replica\""), error.getMessage());
        assertTrue(error.getMessage().contains("Deployment demo"), error.getMessage());
    }

    @Test
    void anUnknownFieldDeepInsideFails() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Rendered.parse(deployment("replicas: 1", "livenessProbe: {httpGet: {path: /, prot: 80}}")));
        assertTrue(error.getMessage().contains("prot"), error.getMessage());
        assertTrue(error.getMessage().contains("livenessProbe.httpGet"), error.getMessage());
    }

    @Test
    void aStringWhereANumberBelongsFails() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Rendered.parse(deployment("replicas: \"2\"", "")));
        assertTrue(error.getMessage().contains("spec.replicas"), error.getMessage());
    }

    @Test
    void aNumberWhereAStringBelongsFails() {
        AssertionError error = assertThrows(AssertionError.class,
                () -> Rendered.parse(deployment("replicas: 1", "env: [{name: PORT, value: 8080}]")));
        assertTrue(error.getMessage().contains("env[0].value"), error.getMessage());
    }

    @Test
    void aBooleanLabelValueFails() {
        AssertionError error = assertThrows(AssertionError.class, () -> Rendered.parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: demo
                  labels:
                    enabled: true
                """));
        assertTrue(error.getMessage().contains("metadata.labels"), error.getMessage());
    }

    @Test
    void aKindOrApiVersionTheChartDoesNotRenderFails() {
        AssertionError error = assertThrows(AssertionError.class, () -> Rendered.parse("""
                apiVersion: autoscaling/v1
                kind: HorizontalPodAutoscaler
                metadata: {name: demo}
                spec: {maxReplicas: 2, scaleTargetRef: {kind: Deployment, name: demo}}
                """));
        assertTrue(error.getMessage().contains("autoscaling/v1/HorizontalPodAutoscaler"), error.getMessage());
    }

    @Test
    void aDuplicateKeyFails() {
        assertThrows(AssertionError.class, () -> Rendered.parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: demo}
                data: {a: "1"}
                data: {b: "2"}
                """));
    }

    @Test
    void kedaScaledObjectsAreCheckedToo() {
        String scaledObject = """
                apiVersion: keda.sh/v1alpha1
                kind: ScaledObject
                metadata: {name: demo}
                spec:
                  scaleTargetRef: {name: demo}
                  %s
                  triggers:
                    - type: kafka
                      metadata: {topic: t, consumerGroup: g, bootstrapServers: "k:9092", lagThreshold: %s}
                """;
        assertInstanceOf(ScaledObject.class,
                Rendered.parse(scaledObject.formatted("maxReplicaCount: 3", "\"5\"")).items().get(0).model());
        AssertionError typo = assertThrows(AssertionError.class,
                () -> Rendered.parse(scaledObject.formatted("maxReplicas: 3", "\"5\"")));
        assertTrue(typo.getMessage().contains("maxReplicas"), typo.getMessage());
        AssertionError number = assertThrows(AssertionError.class,
                () -> Rendered.parse(scaledObject.formatted("maxReplicaCount: 3", "5")));
        assertTrue(number.getMessage().contains("metadata.lagThreshold"), number.getMessage());
    }
}
