package dev.strata.deploy.helm;

import static dev.strata.deploy.helm.StrataChart.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/** What each values file makes of the release: self-contained, production and minimal. */
class ReleaseShapeTest {

    private static final Set<String> ALL = Set.of("strata-gateway", "strata-auth", "strata-registry",
            "strata-ingest", "strata-transform", "strata-scheduler", "strata-notifier");

    @Test
    void theDefaultIsSelfContained() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);
        assertEquals(Set.of("strata-postgresql", "strata-kafka", "strata-redis", "strata-minio"),
                rendered.names(StatefulSet.class));
        for (StatefulSet server : rendered.all(StatefulSet.class)) {
            assertEquals(1, server.getSpec().getVolumeClaimTemplates().size(), server.getMetadata().getName());
            assertTrue(server.getSpec().getVolumeClaimTemplates().get(0).getSpec().getAccessModes()
                    .contains("ReadWriteOnce"));
        }
        assertEquals("docker.io/apache/kafka:4.1.1", image(rendered.get(StatefulSet.class, "strata-kafka")));
        assertEquals("docker.io/library/postgres:17.11", image(rendered.get(StatefulSet.class, "strata-postgresql")));

        String server = rendered.get(ConfigMap.class, "strata-kafka-config").getData().get("server.properties");
        assertTrue(server.contains("process.roles=broker,controller"), "KRaft: no ZooKeeper\n" + server);
        assertTrue(server.contains("advertised.listeners=PLAINTEXT://strata-kafka.strata.svc.cluster.local:9092"),
                server);
        String init = rendered.get(ConfigMap.class, "strata-postgresql-init").getData().get("10-warehouse.sh");
        assertTrue(init.contains("CREATE DATABASE :\"wh_db\" OWNER :\"wh_user\""), init);

        assertEquals(Set.of(), rendered.names(Ingress.class));
        assertEquals(Set.of(), rendered.names(HorizontalPodAutoscaler.class));
        assertEquals(ALL, rendered.names(PodDisruptionBudget.class));
        Pod test = rendered.get(Pod.class, "strata-test-gateway-ready");
        assertEquals("test", test.getMetadata().getAnnotations().get(StrataChart.RENDERED_HOOK));
        assertTrue(test.getSpec().getContainers().get(0).getCommand()
                .contains("http://strata-gateway:8080/q/health/ready"));
    }

    @Test
    void productionUsesExternalServicesIngressAndAutoscaling() {
        Rendered rendered = StrataChart.release().render(ValuesFile.PRODUCTION);
        assertEquals(Set.of(), rendered.names(StatefulSet.class),
                "no PostgreSQL, Kafka, Redis or MinIO in the release");

        Ingress ingress = rendered.get(Ingress.class, "strata-gateway");
        assertEquals("nginx", ingress.getSpec().getIngressClassName());
        assertEquals(List.of("strata.example.com"), ingress.getSpec().getTls().get(0).getHosts());
        assertEquals("strata-gateway",
                ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().getName());
        assertTrue(ingress.getSpec().getRules().get(0).getHttp().getPaths().stream()
                .noneMatch(p -> p.getPath().equals("/") || p.getPath().startsWith("/q")),
                "health, metrics and OpenAPI stay inside the cluster");

        assertEquals(Set.of("strata-gateway", "strata-auth", "strata-registry", "strata-scheduler",
                "strata-notifier"), rendered.names(HorizontalPodAutoscaler.class), "KEDA scales the workers");
        HorizontalPodAutoscaler gateway = rendered.get(HorizontalPodAutoscaler.class, "strata-gateway");
        assertEquals(10, gateway.getSpec().getMaxReplicas());
        assertEquals("strata-gateway", gateway.getSpec().getScaleTargetRef().getName());
        for (Deployment deployment : rendered.all(Deployment.class)) {
            assertNull(deployment.getSpec().getReplicas(),
                    deployment.getMetadata().getName() + ": an autoscaler owns the replica count");
        }
        Map<String, ScaledObject> scaled = new java.util.TreeMap<>();
        rendered.all(ScaledObject.class).forEach(s -> scaled.put(s.metadata().getName(), s));
        assertEquals(Set.of("strata-ingest", "strata-transform"), scaled.keySet());
        ScaledObject.Trigger trigger = scaled.get("strata-ingest").spec().triggers().get(0);
        assertEquals("kafka", trigger.type());
        assertEquals(Map.of("bootstrapServers", "strata-kafka-bootstrap.kafka.svc:9092", "consumerGroup", "ingest",
                "topic", "strata.tasks.ingest", "lagThreshold", "20", "offsetResetPolicy", "earliest"),
                trigger.metadata());
        assertEquals("strata-ingest", scaled.get("strata-ingest").spec().scaleTargetRef().name());
        assertEquals(ALL, rendered.names(PodDisruptionBudget.class));

        Map<String, EnvVar> registry = rendered.env("strata-registry");
        assertEquals("jdbc:postgresql://strata-db.example.internal:5432/strata?sslmode=require",
                registry.get("QUARKUS_DATASOURCE_JDBC_URL").getValue());
        assertEquals("https://s3.eu-west-1.amazonaws.com", registry.get("STRATA_S3_ENDPOINT").getValue());
        assertEquals("false", registry.get("STRATA_S3_CREATE_BUCKETS").getValue());
        assertEquals(List.of("true", "12", "3"), Stream.of("CREATE", "PARTITIONS", "REPLICATION_FACTOR")
                .map(k -> registry.get("STRATA_KAFKA_TOPICS_" + k).getValue()).toList(),
                "the services make the platform's topics on a broker without auto-creation, replicated");
        assertEquals("https://strata.example.com", registry.get("STRATA_AUTH_ISSUER").getValue());
        assertEquals("https://sso.example.com/realms/strata",
                registry.get("STRATA_SECURITY_EXTERNAL_ISSUER").getValue());
        assertNull(rendered.env("strata-gateway").get("STRATA_SECURITY_EXTERNAL_ENABLED"),
                "only services that check bearer tokens with libs/security");
        assertEquals("rediss://strata-redis.example.internal:6380",
                rendered.env("strata-gateway").get("QUARKUS_REDIS_HOSTS").getValue());
        Map<String, EnvVar> auth = rendered.env("strata-auth");
        assertEquals("https://strata.example.com/login/callback",
                auth.get("STRATA_AUTH_CLIENTS_GATEWAY_REDIRECT_URIS").getValue());
    }

    @Test
    void minimalRunsOneSmallReplicaOfEach() {
        Rendered rendered = StrataChart.release().render(ValuesFile.MINIMAL);
        assertEquals(ALL, rendered.names(Deployment.class));
        for (Deployment deployment : rendered.all(Deployment.class)) {
            assertEquals(1, deployment.getSpec().getReplicas());
            var resources = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources();
            assertEquals("50m", resources.getRequests().get("cpu").toString());
            assertEquals("512Mi", resources.getLimits().get("memory").toString());
        }
        assertEquals(Set.of(), rendered.names(PodDisruptionBudget.class));
        assertEquals(Set.of(), rendered.names(HorizontalPodAutoscaler.class));
    }

    @Test
    void kedaReplacesTheHpaOfAWorker() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT,
                set("serviceDefaults.autoscaling.enabled", true, "services.transform.keda.enabled", true));
        assertEquals(List.of("strata-transform"),
                rendered.all(ScaledObject.class).stream().map(s -> s.metadata().getName()).toList());
        assertEquals(Set.of("strata-gateway", "strata-auth", "strata-registry", "strata-ingest", "strata-scheduler",
                "strata-notifier"), rendered.names(HorizontalPodAutoscaler.class), "two HPAs would fight");
        assertNull(rendered.get(Deployment.class, "strata-transform").getSpec().getReplicas());
    }

    private static String image(StatefulSet set) {
        return set.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    }
}
