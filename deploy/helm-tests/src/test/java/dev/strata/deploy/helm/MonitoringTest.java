package dev.strata.deploy.helm;

import static dev.strata.deploy.helm.StrataChart.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/**
 * ServiceMonitor and PrometheusRules only where the Prometheus Operator's API exists; Grafana dashboards as
 * ConfigMaps for the sidecar. Dashboards and rules have one home, observability/: the chart's sources hold none,
 * the build copies them in.
 */
class MonitoringTest {

    @Test
    void operatorObjectsFollowTheApiOrTheSwitch() {
        Rendered auto = StrataChart.release().render(ValuesFile.DEFAULT);
        assertEquals(Set.of(), auto.names(ServiceMonitor.class), "a client-side render has no monitoring API");

        Rendered on = StrataChart.release().render(ValuesFile.DEFAULT,
                set("monitoring.enabled", true, "monitoring.labels.release", "kube-prometheus-stack"));
        ServiceMonitor monitor = on.get(ServiceMonitor.class, "strata-services");
        Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
        assertEquals("http", endpoint.getPort());
        assertEquals("/q/metrics", endpoint.getPath());
        assertEquals("service", monitor.getSpec().getSelector().getMatchLabels().get("strata.dev/tier"));
        assertEquals(List.of("strata"), monitor.getSpec().getNamespaceSelector().getMatchNames());
        assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
        assertTrue(on.names(NetworkPolicy.class).contains("strata-allow-metrics"));

        Rendered off = StrataChart.release().render(ValuesFile.DEFAULT, set("monitoring.enabled", false));
        assertEquals(Set.of(), off.names(ServiceMonitor.class));
        assertTrue(!off.names(NetworkPolicy.class).contains("strata-allow-metrics"));
    }

    @Test
    void dashboardsAndAlertRulesComeFromObservability() throws Exception {
        Path observability = Path.of(MonitoringTest.class.getResource("/fixtures/observability").toURI());
        StrataChart chart = StrataChart.assemble(StrataChart.WORK.resolve("with-fixtures"), observability);

        Rendered rendered = chart.render(ValuesFile.DEFAULT, set("monitoring.enabled", true));
        ConfigMap dashboard = rendered.get(ConfigMap.class, "strata-dashboard-strata-fixture");
        assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        JsonNode json = new ObjectMapper().readTree(dashboard.getData().get("strata-fixture.json"));
        assertEquals("Strata fixture (test only)", json.path("title").asText());

        PrometheusRule rule = rendered.get(PrometheusRule.class, "strata-alerts-fixture");
        assertEquals("StrataFixtureServiceDown", rule.getSpec().getGroups().get(0).getRules().get(0).getAlert());
        assertEquals("{{ $labels.job }} is down",
                rule.getSpec().getGroups().get(0).getRules().get(0).getAnnotations().get("summary"),
                "rule templates reach Prometheus untouched");
        assertEquals(List.of(), Policies.check(rendered));

        Rendered withoutOperator = chart.render(ValuesFile.DEFAULT);
        assertEquals(Set.of(), withoutOperator.names(PrometheusRule.class));
        assertTrue(withoutOperator.names(ConfigMap.class).contains("strata-dashboard-strata-fixture"),
                "dashboards need no CRD");
    }

    @Test
    void theReleaseShipsTheDashboardsAndAlertRulesOfObservability() {
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT, set("monitoring.enabled", true));
        Set<String> dashboards = new TreeSet<>();
        for (ConfigMap configMap : rendered.all(ConfigMap.class)) {
            if ("1".equals(configMap.getMetadata().getLabels().get("grafana_dashboard"))) {
                dashboards.add(configMap.getMetadata().getName());
                String file = configMap.getData().keySet().iterator().next();
                assertEquals(observabilityFile("dashboards/" + file).strip(), configMap.getData().get(file).strip(),
                        "the ConfigMap holds observability/dashboards/" + file + " unchanged");
            }
        }
        assertEquals(Set.of("strata-dashboard-strata-platform", "strata-dashboard-strata-pipelines",
                "strata-dashboard-strata-data"), dashboards);

        PrometheusRule rules = rendered.get(PrometheusRule.class, "strata-alerts-strata");
        Set<String> alerts = new TreeSet<>();
        rules.getSpec().getGroups().forEach(g -> g.getRules().forEach(r -> alerts.add(r.getAlert())));
        assertTrue(alerts.containsAll(Set.of("StrataServiceDown", "StrataHighErrorRate", "StrataKafkaConsumerLag",
                "StrataRunsStalled", "StrataPipelineFailures", "StrataFreshnessBreached",
                "StrataNotificationsDeadLettered")), "alerts: " + alerts);

        ServiceMonitor monitor = rendered.get(ServiceMonitor.class, "strata-services");
        assertEquals("app.kubernetes.io/component", monitor.getSpec().getJobLabel(),
                "job = the service's name, as the dashboards and rules select it");
    }

    @Test
    void tracingIsOffUntilAnOtlpEndpointIsGiven() {
        Rendered off = StrataChart.release().render(ValuesFile.DEFAULT);
        Rendered on = StrataChart.release().render(ValuesFile.DEFAULT,
                set("monitoring.tracing.otlpEndpoint", "http://otel-collector.monitoring:4317"));
        for (Deployment deployment : on.all(Deployment.class)) {
            String name = deployment.getMetadata().getName();
            assertEquals("false", on.env(name).get("QUARKUS_OTEL_SDK_DISABLED").getValue(), name);
            assertEquals("http://otel-collector.monitoring:4317",
                    on.env(name).get("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT").getValue(), name);
            assertTrue(!off.env(name).containsKey("QUARKUS_OTEL_SDK_DISABLED"), name + " exports no spans by default");
        }
        assertEquals(List.of(), Policies.check(on));
        assertTrue(StrataChart.release()
                .templateError(ValuesFile.DEFAULT, set("monitoring.tracing.otlpEndpoint", "otel collector:4317"))
                .contains("otlpEndpoint"), "a malformed endpoint fails at install time");
    }

    private static String observabilityFile(String path) {
        try {
            return Files.readString(StrataChart.OBSERVABILITY.resolve(path));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theChartSourcesHoldNoCopyOfADashboardOrRule() throws IOException, URISyntaxException {
        for (String dir : List.of("files/dashboards", "files/alerts")) {
            try (Stream<Path> files = Files.list(StrataChart.SOURCES.resolve(dir))) {
                assertEquals(List.of("README.md"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                        dir + " holds only its README: the assets live in observability/");
            }
        }
    }
}
