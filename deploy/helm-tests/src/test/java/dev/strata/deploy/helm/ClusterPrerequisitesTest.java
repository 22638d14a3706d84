package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.kubernetes.api.model.Namespace;

/** k8s/ holds cluster prerequisites only, pinned. */
class ClusterPrerequisitesTest {

    private static final Path K8S = Path.of(System.getProperty("strata.k8s.dir", "../../k8s"));

    @Test
    void theNamespaceEnforcesTheRestrictedPodSecurityProfile() throws IOException {
        Rendered rendered = Rendered.parse(Files.readString(K8S.resolve("namespace.yaml")));
        Namespace namespace = rendered.get(Namespace.class, "strata");
        assertEquals("restricted", namespace.getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"));
    }

    @Test
    void nothingHereIsAnApplicationObject() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        try (Stream<Path> files = Files.walk(K8S)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.ya?ml$")).toList()) {
                for (JsonNode document : yaml.readerFor(JsonNode.class).readValues(file.toFile()).readAll()
                        .stream().map(JsonNode.class::cast).toList()) {
                    String kind = document.path("kind").asText();
                    assertTrue(Set.of("Namespace", "Cluster").contains(kind),
                            file + " holds a " + kind + ": application manifests come from the chart only");
                }
            }
        }
    }

    @Test
    void theLocalClusterConfigPinsItsNodeImage() throws IOException {
        JsonNode cluster = new YAMLMapper().readTree(K8S.resolve("kind-cluster.yaml").toFile());
        assertEquals("kind.x-k8s.io/v1alpha4", cluster.path("apiVersion").asText());
        for (JsonNode node : cluster.path("nodes")) {
            assertTrue(node.path("image").asText().matches("kindest/node:v\\d+\\.\\d+\\.\\d+"), node.toString());
        }
    }

    @Test
    void everyCrdAndChartInTheReadmeIsPinned() throws IOException {
        String readme = Files.readString(K8S.resolve("README.md"));
        Matcher urls = Pattern.compile("https://(raw\\.githubusercontent\\.com|github\\.com)/\\S+").matcher(readme);
        List<String> found = urls.results().map(m -> m.group()).toList();
        assertFalse(found.isEmpty());
        for (String url : found) {
            assertTrue(url.matches(".*/(v|controller-v)\\d+\\.\\d+\\.\\d+/.*"), "not pinned to a version: " + url);
        }
        Matcher installs = Pattern.compile("helm upgrade --install \\S+ (\\S+/\\S+)(.*)").matcher(readme);
        while (installs.find()) {
            if (!installs.group(1).startsWith("deploy/")) {
                assertTrue(installs.group(2).contains("--version "), "not pinned: " + installs.group());
            }
        }
    }
}
