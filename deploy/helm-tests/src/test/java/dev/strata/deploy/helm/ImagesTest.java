package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import dev.strata.deploy.helm.StrataChart.ValuesFile;

/**
 * The images the root pom's {@code images} profile builds (Jib) are the images the chart runs: same registry, group
 * and service names, and the non-root uid the image declares is the one the pods run as.
 */
class ImagesTest {

    private static final Path ROOT = Path.of(System.getProperty("strata.root.dir", "../.."));

    @Test
    void theChartPullsWhatJibBuildsAndRunsItAsTheImagesUser() throws Exception {
        Map<String, String> jib = imagesProfileProperties();
        Rendered rendered = StrataChart.release().render(ValuesFile.DEFAULT);
        String chartVersion = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(StrataChart.SOURCES.resolve("Chart.yaml").toFile()).path("appVersion").asText();
        String[] user = jib.get("quarkus.jib.user").split(":");

        for (Deployment deployment : rendered.all(Deployment.class)) {
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            String service = container.getName();
            String applicationName = applicationName(service);
            String expected = jib.get("strata.image.registry") + "/" + jib.get("strata.image.group") + "/"
                    + applicationName + ":" + chartVersion;
            assertEquals(expected, container.getImage(), "the chart's image of " + service
                    + " is what `deploy/images/build.sh --tag " + chartVersion + " " + service + "` builds");
            var pod = deployment.getSpec().getTemplate().getSpec().getSecurityContext();
            assertEquals(Long.valueOf(user[0]), pod.getRunAsUser(), service + " runs as the image's user");
            assertEquals(Long.valueOf(user[1]), pod.getRunAsGroup(), service + " runs as the image's group");
        }
        assertEquals("${quarkus.application.name}", jib.get("quarkus.container-image.name"));
    }

    /** The service's quarkus.application.name: the image name Jib gives it. */
    private static String applicationName(String service) throws IOException {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(
                ROOT.resolve("services").resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        }
        return properties.getProperty("quarkus.application.name");
    }

    private static Map<String, String> imagesProfileProperties() throws Exception {
        var document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(ROOT.resolve("pom.xml").toFile());
        NodeList profiles = document.getElementsByTagName("profile");
        for (int i = 0; i < profiles.getLength(); i++) {
            Element profile = (Element) profiles.item(i);
            if ("images".equals(profile.getElementsByTagName("id").item(0).getTextContent().trim())) {
                Map<String, String> properties = new HashMap<>();
                NodeList children = ((Element) profile.getElementsByTagName("properties").item(0)).getChildNodes();
                for (int j = 0; j < children.getLength(); j++) {
                    Node child = children.item(j);
                    if (child.getNodeType() == Node.ELEMENT_NODE) {
                        properties.put(child.getNodeName(), child.getTextContent().trim());
                    }
                }
                return properties;
            }
        }
        throw new AssertionError("the root pom has no profile `images`");
    }
}
