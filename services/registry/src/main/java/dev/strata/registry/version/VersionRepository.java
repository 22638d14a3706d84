package dev.strata.registry.version;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.DatasetColumn;
import dev.strata.web.db.Db;

/** The versions of datasets, in the registry schema. */
@ApplicationScoped
public class VersionRepository {

    private static final TypeReference<List<DatasetColumn>> COLUMNS = new TypeReference<>() {
    };

    private final Db db;
    private final ObjectMapper json;

    VersionRepository(Db db, ObjectMapper json) {
        this.db = db;
        // what the registry stored itself: a field an older or newer version wrote is no reason to fail a read
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * Records the next version of the dataset (the caller holds the dataset's row lock). Answers false when a version
     * with this id exists already (the same version reported twice under different event ids).
     */
    public boolean insertNext(UUID datasetId, DatasetVersion v, UUID eventId) {
        if (db.count("SELECT count(*) FROM dataset_version WHERE id = ?", v.id()) > 0) {
            return false;
        }
        int number = (int) db.count("SELECT coalesce(max(number), 0) + 1 FROM dataset_version WHERE dataset_id = ?",
                datasetId);
        db.update("""
                INSERT INTO dataset_version (id, dataset_id, number, row_count, bytes, load_id, raw_location,
                                             produced_by_run, columns, event_id, producer, committed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, v.id(), datasetId, number, v.rowCount(), v.bytes(), v.loadId(), v.rawLocation(),
                v.producedByRun(), Db.jsonb(write(v.columns())), eventId, v.producer(), v.committedAt());
        return true;
    }

    /** Newest first. */
    public List<DatasetVersion> list(UUID datasetId, int limit) {
        return db.list("SELECT * FROM dataset_version WHERE dataset_id = ? ORDER BY number DESC LIMIT ?", this::map,
                datasetId, limit);
    }

    public Optional<DatasetVersion> find(UUID datasetId, int number) {
        return db.one("SELECT * FROM dataset_version WHERE dataset_id = ? AND number = ?", this::map, datasetId,
                number);
    }

    public Optional<DatasetVersion> latest(UUID datasetId) {
        return list(datasetId, 1).stream().findFirst();
    }

    private DatasetVersion map(ResultSet rs) throws SQLException {
        List<DatasetColumn> columns;
        try {
            columns = json.readValue(rs.getString("columns"), COLUMNS);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored columns of a version are not readable JSON", e);
        }
        return new DatasetVersion(rs.getInt("number"), rs.getObject("id", UUID.class), rs.getLong("row_count"),
                rs.getLong("bytes"), rs.getObject("load_id", UUID.class), rs.getString("raw_location"),
                rs.getObject("produced_by_run", UUID.class), columns, rs.getString("producer"),
                Db.instant(rs, "committed_at"), Db.instant(rs, "recorded_at"));
    }

    private String write(List<DatasetColumn> columns) {
        try {
            return json.writeValueAsString(columns);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write columns as JSON", e);
        }
    }
}
