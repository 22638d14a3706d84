package dev.strata.registry.sql;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The bodies of the SQL workspace's saved objects, as the API takes them (JSON or YAML) and stores them. The metadata a
 * GET adds ({@code name}, {@code version}, {@code updatedBy}, {@code updatedAt}) is accepted back and ignored, so a
 * body read can be sent again.
 */
public final class SavedContent {

    private SavedContent() {
    }

    /** The content of one kind of saved object. */
    public sealed interface Content permits SavedQuery, Chart, Dashboard {
        String title();
    }

    /** A parameter of a saved query: {@code :name} in its SQL, typed, with an optional default. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Parameter(String name, String type,
            @com.fasterxml.jackson.annotation.JsonProperty("default") Object defaultValue) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(value = {"name", "version", "updatedBy", "updatedAt"}, allowGetters = true)
    public record SavedQuery(String title, String description, String sql, List<Parameter> parameters)
            implements
                Content {
    }

    /** How a chart maps result columns: {@code x}, one or more {@code y}, an optional {@code series}. */
    public record Mapping(String x, List<String> y, String series) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(value = {"name", "version", "updatedBy", "updatedAt"}, allowGetters = true)
    public record Chart(String title, String query, String type, Mapping mapping, Map<String, Object> parameters)
            implements
                Content {
    }

    /** A chart on a dashboard's 12-column grid. */
    public record Tile(String chart, Integer x, Integer y, Integer w, Integer h) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(value = {"name", "version", "updatedBy", "updatedAt"}, allowGetters = true)
    public record Dashboard(String title, Integer refreshSeconds, List<Tile> tiles) implements Content {
    }
}
