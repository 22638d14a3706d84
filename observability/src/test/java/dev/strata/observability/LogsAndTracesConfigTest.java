package dev.strata.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * The log shipping (Grafana Alloy) and OpenTelemetry Collector configs, checked for what their own binaries would
 * refuse at start and that no registry here ships: a pipeline or component reference to something not defined.
 */
class LogsAndTracesConfigTest {

    @Test
    void collectorPipelinesUseOnlyDefinedComponents() throws IOException {
        JsonNode config = new YAMLMapper().readTree(Observability.DIR.resolve("otel/collector.yaml").toFile());
        Set<String> receivers = names(config.path("receivers"));
        Set<String> processors = names(config.path("processors"));
        Set<String> exporters = names(config.path("exporters"));
        Set<String> connectors = names(config.path("connectors"));
        Set<String> extensions = names(config.path("extensions"));
        List<String> problems = new ArrayList<>();
        Set<String> connectorsIn = new TreeSet<>();
        Set<String> connectorsOut = new TreeSet<>();
        config.path("service").path("pipelines").fields().forEachRemaining(pipeline -> {
            String name = pipeline.getKey();
            JsonNode p = pipeline.getValue();
            assertTrue(Set.of("traces", "metrics", "logs").contains(name.split("/")[0]), "pipeline type " + name);
            if (p.path("receivers").isEmpty() || p.path("exporters").isEmpty()) {
                problems.add(name + ": needs receivers and exporters");
            }
            p.path("receivers").forEach(r -> {
                if (connectors.contains(r.asText())) {
                    connectorsOut.add(r.asText());
                } else if (!receivers.contains(r.asText())) {
                    problems.add(name + ": receiver " + r.asText() + " is not defined");
                }
            });
            p.path("processors").forEach(r -> {
                if (!processors.contains(r.asText())) {
                    problems.add(name + ": processor " + r.asText() + " is not defined");
                }
            });
            p.path("exporters").forEach(r -> {
                if (connectors.contains(r.asText())) {
                    connectorsIn.add(r.asText());
                } else if (!exporters.contains(r.asText())) {
                    problems.add(name + ": exporter " + r.asText() + " is not defined");
                }
            });
        });
        config.path("service").path("extensions").forEach(e -> {
            if (!extensions.contains(e.asText())) {
                problems.add("extension " + e.asText() + " is not defined");
            }
        });
        assertEquals(List.of(), problems);
        assertEquals(connectors, connectorsIn, "every connector is some pipeline's exporter");
        assertEquals(connectors, connectorsOut, "every connector is some pipeline's receiver");
        assertTrue(config.path("service").path("pipelines").has("traces"), "no traces pipeline");
        assertEquals("0.0.0.0:4317",
                config.path("receivers").path("otlp").path("protocols").path("grpc").path("endpoint").asText(),
                "the chart's monitoring.tracing.otlpEndpoint is OTLP gRPC on 4317");
    }

    /** Alloy components are {@code type "label" { ... }}; a reference is {@code type.label.export}. */
    @Test
    void alloyReferencesOnlyDefinedComponents() throws IOException {
        String config = Files.readString(Observability.DIR.resolve("logs/config.alloy"));
        String code = config.replaceAll("(?m)//.*$", "");
        assertEquals(count(code, '{'), count(code, '}'), "unbalanced braces");

        Set<String> defined = new TreeSet<>();
        Matcher block = Pattern.compile("(?m)^([a-z_]+(?:\\.[a-z_]+)+)\\s+\"([A-Za-z0-9_]+)\"\\s*\\{").matcher(code);
        while (block.find()) {
            assertTrue(defined.add(block.group(1) + "." + block.group(2)), "defined twice: " + block.group());
        }
        assertFalse(defined.isEmpty());

        Set<String> referenced = new TreeSet<>();
        Matcher reference = Pattern.compile("\\b([a-z_]+\\.[a-z_]+)\\.([A-Za-z0-9_]+)\\.(targets|output|receiver)\\b")
                .matcher(code);
        while (reference.find()) {
            referenced.add(reference.group(1) + "." + reference.group(2));
        }
        Set<String> missing = new TreeSet<>(referenced);
        missing.removeAll(defined);
        assertEquals(Set.of(), missing, "references to components that are not defined");
        assertTrue(defined.contains("loki.write.default") && referenced.contains("loki.write.default"),
                "logs end in Loki");
    }

    private static Set<String> names(JsonNode section) {
        Set<String> names = new TreeSet<>();
        section.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static long count(String text, char c) {
        return text.chars().filter(ch -> ch == c).count();
    }
}
