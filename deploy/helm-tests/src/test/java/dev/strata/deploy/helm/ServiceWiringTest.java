package dev.strata.deploy.helm;

import static dev.strata.deploy.helm.StrataChart.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/**
 * The seven services from one template: each gets exactly the configuration keys its README lists, pointed at the
 * release's infrastructure, with health on the HTTP port.
 */
class ServiceWiringTest {

    private static final List<String> SERVICES = List.of("gateway", "auth", "registry", "ingest", "transform",
            "scheduler", "notifier");

    private static final Set<String> COMMON = Set.of("QUARKUS_HTTP_HOST", "QUARKUS_HTTP_PORT",
            "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME",
            "QUARKUS_DATASOURCE_PASSWORD", "KAFKA_BOOTSTRAP_SERVERS", "STRATA_KAFKA_TOPICS_CREATE",
            "STRATA_AUTH_ISSUER",
            "STRATA_SERVICES_GATEWAY_URL", "STRATA_SERVICES_AUTH_URL", "STRATA_SERVICES_REGISTRY_URL",
            "STRATA_SERVICES_INGEST_URL", "STRATA_SERVICES_TRANSFORM_URL", "STRATA_SERVICES_SCHEDULER_URL",
            "STRATA_SERVICES_NOTIFIER_URL");
    /** The warehouse admin login and the key the namespace roles' passwords derive from (ADR 0005). */
    private static final Set<String> WAREHOUSE = Set.of("STRATA_WAREHOUSE_JDBC_URL", "STRATA_WAREHOUSE_USERNAME",
            "STRATA_WAREHOUSE_PASSWORD", "STRATA_WAREHOUSE_ROLE_KEY");
    private static final Set<String> LAKE_AND_WAREHOUSE = union(WAREHOUSE, Set.of("STRATA_S3_ENDPOINT",
            "STRATA_S3_REGION", "STRATA_S3_CREATE_BUCKETS", "STRATA_S3_ACCESS_KEY", "STRATA_S3_SECRET_KEY"));
    private static final Map<String, Set<String>> OWN = Map.of(
            "gateway", Set.of("QUARKUS_REDIS_HOSTS", "QUARKUS_REDIS_PASSWORD", "STRATA_GATEWAY_TRUST_FORWARDED",
                    "STRATA_GATEWAY_SECURE_COOKIES", "QUARKUS_OIDC_AUTHENTICATION_STATE_SECRET"),
            "auth", Set.of("STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME", "STRATA_AUTH_BOOTSTRAP_ADMIN_PASSWORD",
                    "STRATA_AUTH_KEY_ENCRYPTION_KEY", "STRATA_AUTH_BOOTSTRAP_SA_TRANSFORM_SECRET",
                    "STRATA_AUTH_BOOTSTRAP_SA_INGEST_SECRET", "STRATA_AUTH_BOOTSTRAP_SA_NOTIFIER_SECRET",
                    "STRATA_AUTH_BOOTSTRAP_SERVICE_ACCOUNTS", "STRATA_SECRETS_MASTER_KEY"),
            "registry", LAKE_AND_WAREHOUSE,
            "ingest", union(LAKE_AND_WAREHOUSE, Set.of("STRATA_INGEST_SERVICE_ACCOUNT_CLIENT_ID",
                    "STRATA_INGEST_SERVICE_ACCOUNT_CLIENT_SECRET")),
            "transform", transform(), "scheduler", WAREHOUSE,
            "notifier", Set.of("STRATA_NOTIFIER_PUBLIC_BASE_URL", "STRATA_NOTIFIER_SERVICE_ACCOUNT_CLIENT_ID",
                    "STRATA_NOTIFIER_SERVICE_ACCOUNT_CLIENT_SECRET"));

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /** The lake and the warehouse, and the service account it pushes lineage to the registry with. */
    private static Set<String> transform() {
        Set<String> keys = new TreeSet<>(LAKE_AND_WAREHOUSE);
        keys.addAll(
                Set.of("STRATA_TRANSFORM_SERVICE_ACCOUNT_CLIENT_ID", "STRATA_TRANSFORM_SERVICE_ACCOUNT_CLIENT_SECRET"));
        return keys;
    }

    @Test
    void theServicesThatSpoolFilesGetRoomForThemOnTmp() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT,
                set("services.transform.tmpSize", "1Gi"));
        // ingest spools each source while it loads it, the registry each multipart form upload (up to 5G)
        Map<String, String> expected = Map.of("ingest", "10Gi", "registry", "6Gi", "transform", "1Gi");
        for (String service : SERVICES) {
            Volume tmp = rendered.get(Deployment.class, "strata-" + service).getSpec().getTemplate().getSpec()
                    .getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow();
            assertEquals(new Quantity(expected.getOrDefault(service, "256Mi")), tmp.getEmptyDir().getSizeLimit(),
                    service);
        }
    }

    @Test
    void everyServiceGetsExactlyTheKeysOfItsReadme() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);
        for (String service : SERVICES) {
            Set<String> expected = new TreeSet<>(COMMON);
            expected.addAll(OWN.get(service));
            assertEquals(expected, new TreeSet<>(rendered.env("strata-" + service).keySet()), service);
        }
    }

    @Test
    void theServicesPointAtTheReleasesInfrastructure() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);
        Map<String, EnvVar> registry = rendered.env("strata-registry");
        assertEquals("jdbc:postgresql://strata-postgresql:5432/strata", value(registry, "QUARKUS_DATASOURCE_JDBC_URL"));
        assertEquals("jdbc:postgresql://strata-postgresql:5432/warehouse",
                value(registry, "STRATA_WAREHOUSE_JDBC_URL"));
        assertEquals("warehouse", value(registry, "STRATA_WAREHOUSE_USERNAME"));
        assertEquals("strata-kafka.strata.svc.cluster.local:9092", value(registry, "KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("http://strata-minio:9000", value(registry, "STRATA_S3_ENDPOINT"));
        assertEquals("us-east-1", value(registry, "STRATA_S3_REGION"));
        assertEquals("http://strata-auth:8080", value(registry, "STRATA_AUTH_ISSUER"));
        assertEquals("http://strata-notifier:8080", value(registry, "STRATA_SERVICES_NOTIFIER_URL"));
        assertEquals("redis://strata-redis:6379", value(rendered.env("strata-gateway"), "QUARKUS_REDIS_HOSTS"));
        for (String service : SERVICES) {
            Map<String, EnvVar> env = rendered.env("strata-" + service);
            assertEquals("0.0.0.0", value(env, "QUARKUS_HTTP_HOST"), service);
            assertEquals("true", value(env, "QUARKUS_LOG_CONSOLE_JSON_ENABLED"), service);
            assertEquals("strata-postgresql-credentials",
                    env.get("QUARKUS_DATASOURCE_PASSWORD").getValueFrom().getSecretKeyRef().getName(), service);
        }
    }

    @Test
    void runLinksInNotificationsLeadToTheGatewayAsUsersReachIt() {
        assertEquals("http://strata-gateway:8080", value(StrataChart.release().render(ValuesFile.DEFAULT)
                .env("strata-notifier"), "STRATA_NOTIFIER_PUBLIC_BASE_URL"), "no ingress: the gateway in the cluster");
        assertEquals("https://strata.example.com", value(StrataChart.release().render(ValuesFile.PRODUCTION)
                .env("strata-notifier"), "STRATA_NOTIFIER_PUBLIC_BASE_URL"), "the ingress' first host");
        assertEquals("https://data.example.org", value(StrataChart.release().render(ValuesFile.PRODUCTION,
                set("notifier.publicBaseUrl", "https://data.example.org/")).env("strata-notifier"),
                "STRATA_NOTIFIER_PUBLIC_BASE_URL"), "the value given");
    }

    @Test
    void healthAndImagesComeFromTheSharedTemplate() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);
        for (String service : SERVICES) {
            Deployment deployment = rendered.get(Deployment.class, "strata-" + service);
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertEquals("ghcr.io/strata/" + service + ":0.1.0", container.getImage());
            assertEquals("/q/health/live", container.getLivenessProbe().getHttpGet().getPath());
            assertEquals("/q/health/ready", container.getReadinessProbe().getHttpGet().getPath());
            assertEquals("/q/health/started", container.getStartupProbe().getHttpGet().getPath());
            assertEquals(8080, container.getPorts().get(0).getContainerPort());
            Service svc = rendered.get(Service.class, "strata-" + service);
            assertEquals(8080, svc.getSpec().getPorts().get(0).getPort());
            assertEquals(deployment.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
        }
    }

    @Test
    void serviceSettingsMergeOverTheDefaults() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT,
                set("serviceDefaults.env.JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75",
                        "services.registry.env.STRATA_REGISTRY_LAKE_BUCKET", "acme-lake",
                        "services.registry.env.STRATA_S3_REGION", "eu-central-1",
                        "services.registry.secretEnv.QUARKUS_OIDC_CREDENTIALS_SECRET.name", "registry-oidc",
                        "services.registry.secretEnv.QUARKUS_OIDC_CREDENTIALS_SECRET.key", "secret",
                        "services.registry.resources.limits.memory", "2Gi",
                        "services.registry.pdb.enabled", false,
                        "services.registry.image.tag", "0.1.1"));
        Map<String, EnvVar> registry = rendered.env("strata-registry");
        assertEquals("acme-lake", value(registry, "STRATA_REGISTRY_LAKE_BUCKET"));
        assertEquals("eu-central-1", value(registry, "STRATA_S3_REGION"), "a user value replaces the chart's");
        assertEquals("-XX:MaxRAMPercentage=75", value(registry, "JAVA_TOOL_OPTIONS"));
        assertEquals("-XX:MaxRAMPercentage=75", value(rendered.env("strata-notifier"), "JAVA_TOOL_OPTIONS"));
        assertEquals("registry-oidc",
                registry.get("QUARKUS_OIDC_CREDENTIALS_SECRET").getValueFrom().getSecretKeyRef().getName());
        Container container = rendered.get(Deployment.class, "strata-registry").getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertEquals("2Gi", container.getResources().getLimits().get("memory").toString());
        assertEquals("250m", container.getResources().getRequests().get("cpu").toString(), "kept from defaults");
        assertEquals("ghcr.io/strata/registry:0.1.1", container.getImage());
        assertFalse(rendered.names(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)
                .contains("strata-registry"), "an explicit false wins over the default true");
        assertTrue(rendered.names(io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)
                .contains("strata-notifier"));
    }

    @Test
    void aDisabledServiceIsGoneAndNobodyIsToldItsUrl() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT, set("services.notifier.enabled", false));
        assertFalse(rendered.names(Deployment.class).contains("strata-notifier"));
        assertFalse(rendered.names(Service.class).contains("strata-notifier"));
        assertNull(rendered.env("strata-gateway").get("STRATA_SERVICES_NOTIFIER_URL"),
                "the gateway answers 503 for a service it has no URL for");
    }

    private static String value(Map<String, EnvVar> env, String name) {
        EnvVar var = env.get(name);
        if (var == null) {
            throw new AssertionError("no env " + name + " in " + env.keySet());
        }
        return var.getValue();
    }
}
