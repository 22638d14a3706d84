package dev.strata.deploy.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** The Strata images the chart runs are the version the chart says it ships. */
class ChartMetadataTest {

    @Test
    void theImageTagIsTheChartsAppVersion() throws IOException {
        YAMLMapper yaml = new YAMLMapper();
        JsonNode chart = yaml.readTree(StrataChart.SOURCES.resolve("Chart.yaml").toFile());
        JsonNode values = yaml.readTree(StrataChart.SOURCES.resolve("values.yaml").toFile());
        assertEquals(chart.path("appVersion").asText(), values.path("global").path("image").path("tag").asText(),
                "bump global.image.tag in values.yaml together with appVersion in Chart.yaml");
    }
}
