package dev.strata.registry.lineage;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.web.db.Db;

/** Lineage edges between datasets, by identity. */
@ApplicationScoped
public class LineageRepository {

    private static final TypeReference<List<LineageRequest.ColumnEdge>> COLUMNS = new TypeReference<>() {
    };

    private final Db db;
    private final ObjectMapper json;

    LineageRepository(Db db, ObjectMapper json) {
        this.db = db;
        // what the registry stored itself: a field an older or newer version wrote is no reason to fail a read
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public void replaceUpstream(String namespace, String name, List<LineageGraph.Edge> edges) {
        db.update("DELETE FROM lineage_edge WHERE downstream_namespace = ? AND downstream_name = ?", namespace, name);
        for (LineageGraph.Edge edge : edges) {
            String[] up = edge.upstream().split("\\.", 2);
            db.update("""
                    INSERT INTO lineage_edge (downstream_namespace, downstream_name, upstream_namespace, upstream_name,
                                              columns)
                    VALUES (?, ?, ?, ?, ?)
                    """, namespace, name, up[0], up[1], Db.jsonb(write(edge.columns())));
        }
    }

    /** Edges into the dataset (its upstreams). */
    public List<LineageGraph.Edge> upstreamOf(String namespace, String name) {
        return db.list("SELECT * FROM lineage_edge WHERE downstream_namespace = ? AND downstream_name = ? "
                + "ORDER BY upstream_namespace, upstream_name", this::map, namespace, name);
    }

    /** Edges out of the dataset (its downstreams). */
    public List<LineageGraph.Edge> downstreamOf(String namespace, String name) {
        return db.list("SELECT * FROM lineage_edge WHERE upstream_namespace = ? AND upstream_name = ? "
                + "ORDER BY downstream_namespace, downstream_name", this::map, namespace, name);
    }

    /** The layer of a registered dataset. */
    public Optional<String> layer(String namespace, String name) {
        return db.one("SELECT layer FROM dataset WHERE namespace = ? AND name = ?", rs -> rs.getString(1), namespace,
                name);
    }

    private LineageGraph.Edge map(ResultSet rs) throws SQLException {
        try {
            return new LineageGraph.Edge(rs.getString("upstream_namespace") + "." + rs.getString("upstream_name"),
                    rs.getString("downstream_namespace") + "." + rs.getString("downstream_name"),
                    json.readValue(rs.getString("columns"), COLUMNS));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored column lineage is not readable JSON", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write column lineage as JSON", e);
        }
    }
}
