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
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.ConfigMap;
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
    void theChartSourcesHoldNoCopyOfADashboardOrRule() throws IOException, URISyntaxException {
        for (String dir : List.of("files/dashboards", "files/alerts")) {
            try (Stream<Path> files = Files.list(StrataChart.SOURCES.resolve(dir))) {
                assertEquals(List.of("README.md"), files.map(f -> f.getFileName().toString()).sorted().toList(),
                        dir + " holds only its README: the assets live in observability/");
            }
        }
    }
}
