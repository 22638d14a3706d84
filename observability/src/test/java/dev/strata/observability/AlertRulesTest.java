package dev.strata.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The alert rules of observability/alerts: valid for Prometheus ({@code promtool check rules}), their unit tests pass
 * ({@code promtool test rules}), every alert the issue names exists and is tested firing, and every metric a rule
 * reads is in the README's catalogue (no rule on a name no service exposes or plans).
 */
class AlertRulesTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    /** What SREs are promised: service down, error rate, consumer lag, stuck runs, failures, freshness, DLQ. */
    private static final Set<String> REQUIRED = Set.of("StrataServiceDown", "StrataHighErrorRate",
            "StrataKafkaConsumerLag", "StrataRunsStalled", "StrataPipelineFailures", "StrataFreshnessBreached",
            "StrataNotificationsDeadLettered");

    @Test
    void promtoolAcceptsEveryRuleFile() {
        List<Path> ruleFiles = Observability.files("alerts", ".yaml");
        assertFalse(ruleFiles.isEmpty(), "no rule file in observability/alerts");
        for (Path file : ruleFiles) {
            Promtool.Result check = Promtool.run(Observability.DIR, "check", "rules", "--lint-fatal", file.toString());
            assertTrue(check.succeeded(), check.toString());
            assertTrue(check.output().contains("SUCCESS"), check.toString());
        }
    }

    @Test
    void unitTestsPass() {
        List<Path> tests = Observability.files("alerts/tests", ".yaml");
        assertFalse(tests.isEmpty(), "no promtool unit test in observability/alerts/tests");
        for (Path test : tests) {
            Promtool.Result result = Promtool.run(test.getParent(), "test", "rules", test.getFileName().toString());
            assertTrue(result.succeeded(), result.toString());
            assertTrue(result.output().contains("SUCCESS"), result.toString());
        }
    }

    @Test
    void everyAlertIsTestedFiringAndTheIssuesAlertsExist() throws IOException {
        Set<String> alerts = new TreeSet<>();
        for (Path file : Observability.files("alerts", ".yaml")) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (rule.has("alert")) {
                        assertTrue(alerts.add(rule.path("alert").asText()), "alert " + rule.path("alert") + " twice");
                        assertFalse(rule.path("annotations").path("summary").asText().isBlank(),
                                rule.path("alert") + " has no summary");
                        assertTrue(Set.of("critical", "warning").contains(rule.path("labels").path("severity")
                                .asText()), rule.path("alert") + " has no severity critical|warning");
                    }
                }
            }
        }
        assertTrue(alerts.containsAll(REQUIRED), "missing alerts: " + difference(REQUIRED, alerts));

        Set<String> testedFiring = new TreeSet<>();
        for (Path test : Observability.files("alerts/tests", ".yaml")) {
            for (JsonNode unit : YAML.readTree(test.toFile()).path("tests")) {
                for (JsonNode check : unit.path("alert_rule_test")) {
                    if (!check.path("exp_alerts").isEmpty()) {
                        testedFiring.add(check.path("alertname").asText());
                    }
                }
            }
        }
        assertEquals(Set.of(), difference(alerts, testedFiring), "alerts without a unit test in which they fire");
    }

    @Test
    void rulesReadOnlyCataloguedMetrics() throws IOException {
        Set<String> catalogue = Observability.catalogue();
        TreeMap<String, List<String>> unknown = new TreeMap<>();
        for (Path file : Observability.files("alerts", ".yaml")) {
            for (JsonNode group : YAML.readTree(file.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    for (String metric : PromQl.metricNames(rule.path("expr").asText())) {
                        if (PromQl.catalogueName(metric, catalogue) == null) {
                            unknown.computeIfAbsent(metric, m -> new ArrayList<>())
                                    .add(rule.path("alert").asText(rule.path("record").asText()));
                        }
                    }
                }
            }
        }
        assertEquals(new TreeMap<>(), unknown, "metrics not in observability/README.md's catalogue");
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
