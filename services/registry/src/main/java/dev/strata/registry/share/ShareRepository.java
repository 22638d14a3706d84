package dev.strata.registry.share;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.registry.dataset.Dataset;
import dev.strata.web.db.Db;

/** The shares of datasets, in the registry schema ({@code dataset_share}). */
@ApplicationScoped
public class ShareRepository {

    private static final String SELECT = "SELECT d.namespace || '.' || d.name AS dataset, s.reader, s.warehouse_table,"
            + " s.granted_by, s.granted_at FROM dataset_share s JOIN dataset d ON d.id = s.dataset_id";

    private final Db db;

    ShareRepository(Db db) {
        this.db = db;
    }

    public List<DatasetShare> list(Dataset dataset) {
        return db.list(SELECT + " WHERE s.dataset_id = ? ORDER BY s.reader", ShareRepository::map, dataset.id());
    }

    public List<DatasetShare> list(String namespace, String name) {
        return db.list(SELECT + " WHERE d.namespace = ? AND d.name = ? ORDER BY s.reader", ShareRepository::map,
                namespace, name);
    }

    public Optional<DatasetShare> find(Dataset dataset, String reader) {
        return db.one(SELECT + " WHERE s.dataset_id = ? AND s.reader = ?", ShareRepository::map, dataset.id(), reader);
    }

    /** Every share, oldest first (its grants are made again at start). */
    public List<DatasetShare> all() {
        return db.list(SELECT + " ORDER BY s.granted_at", ShareRepository::map);
    }

    /** The shares with namespace {@code reader}: the tables of other namespaces it may read. */
    public List<DatasetShare> sharedWith(String reader) {
        return db.list(SELECT + " WHERE s.reader = ? ORDER BY s.warehouse_table", ShareRepository::map, reader);
    }

    public void insert(UUID datasetId, String reader, String table, String grantedBy) {
        db.update("INSERT INTO dataset_share (dataset_id, reader, warehouse_table, granted_by) VALUES (?, ?, ?, ?)",
                datasetId, reader, table, grantedBy);
    }

    public boolean delete(UUID datasetId, String reader) {
        return db.update("DELETE FROM dataset_share WHERE dataset_id = ? AND reader = ?", datasetId, reader) == 1;
    }

    private static DatasetShare map(ResultSet rs) throws SQLException {
        return new DatasetShare(rs.getString("dataset"), rs.getString("reader"), rs.getString("warehouse_table"),
                rs.getString("granted_by"), Db.instant(rs, "granted_at"));
    }
}
