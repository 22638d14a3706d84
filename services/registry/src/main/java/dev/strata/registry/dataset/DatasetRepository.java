package dev.strata.registry.dataset;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.LoadSpec.Format;
import dev.strata.events.LoadSpec.Source;
import dev.strata.security.NamespaceAccess;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.db.Db;

/** Datasets and their declared columns, in the registry schema. */
@ApplicationScoped
public class DatasetRepository {

    private static final String SELECT = """
            SELECT d.*, (SELECT max(v.number) FROM dataset_version v WHERE v.dataset_id = d.id) AS latest_version
            FROM dataset d
            """;

    private final Db db;
    private final ObjectMapper json;

    DatasetRepository(Db db, ObjectMapper json) {
        this.db = db;
        // what the registry stored itself: a field an older or newer version wrote is no reason to fail a read
        this.json = json.copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public Optional<Dataset> find(String namespace, String name) {
        return db.one(SELECT + " WHERE d.namespace = ? AND d.name = ?", this::map, namespace, name)
                .map(this::withColumns);
    }

    /** The dataset, locked until the end of the transaction (versions of one dataset are numbered one at a time). */
    public Optional<Dataset> findForUpdate(String namespace, String name) {
        Optional<Dataset> found = db.one("SELECT d.*, NULL::integer AS latest_version FROM dataset d "
                + "WHERE d.namespace = ? AND d.name = ? FOR UPDATE", this::map, namespace, name);
        return found.map(this::withColumns);
    }

    public List<Dataset> list(NamespaceAccess.Scope scope, DatasetQuery q) {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE TRUE");
        List<Object> params = new ArrayList<>();
        if (!scope.all()) {
            String[] namespaces = scope.namespaces().toArray(String[]::new);
            if (q.shared()) {
                sql.append(" AND (d.namespace = ANY(?) OR EXISTS (SELECT 1 FROM dataset_share s"
                        + " WHERE s.dataset_id = d.id AND s.reader = ANY(?)))");
                params.add(namespaces);
                params.add(namespaces);
            } else {
                sql.append(" AND d.namespace = ANY(?)");
                params.add(namespaces);
            }
        }
        if (q.namespace() != null) {
            sql.append(" AND d.namespace = ?");
            params.add(q.namespace());
        }
        if (q.tag() != null) {
            sql.append(" AND ? = ANY(d.tags)");
            params.add(q.tag());
        }
        if (q.layer() != null) {
            sql.append(" AND d.layer = ?");
            params.add(q.layer());
        }
        if (q.search() != null) {
            String like = "%"
                    + q.search().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                            .replace("_", "\\_")
                    + "%";
            // two lookups in the trigram indexes (V5) rather than an OR that Postgres can only test row by row
            sql.append(" AND d.id IN (SELECT s.id FROM dataset s WHERE lower(s.namespace || '.' || s.name) LIKE ?"
                    + " UNION ALL SELECT c.dataset_id FROM dataset_column c WHERE lower(c.name) LIKE ?)");
            params.add(like);
            params.add(like);
        }
        sql.append(" ORDER BY d.namespace, d.name LIMIT ? OFFSET ?");
        params.add(q.limit());
        params.add(q.offset());
        List<Dataset> found = db.list(sql.toString(), this::map, params.toArray());
        return withColumns(found);
    }

    public void insert(UUID id, DatasetRequest r, String createdBy) {
        db.update("""
                INSERT INTO dataset (id, namespace, name, description, owner, tags, layer, source, format, load_mode,
                                     merge_key, contract, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, id, r.namespace(), r.name(), r.description(), r.owner(), r.tags().toArray(String[]::new),
                r.layer(), jsonb(r.source()), jsonb(r.format()), r.loadMode(), r.mergeKey().toArray(String[]::new),
                r.contract(), createdBy);
        replaceColumns(id, r.columns());
    }

    public void update(UUID id, DatasetRequest r) {
        db.update("""
                UPDATE dataset SET description = ?, owner = ?, tags = ?, layer = ?, source = ?, format = ?,
                                   load_mode = ?, merge_key = ?, contract = ?, updated_at = now()
                WHERE id = ?
                """, r.description(), r.owner(), r.tags().toArray(String[]::new), r.layer(), jsonb(r.source()),
                jsonb(r.format()), r.loadMode(), r.mergeKey().toArray(String[]::new), r.contract(), id);
        replaceColumns(id, r.columns());
    }

    /** Records the warehouse table a producer reported ({@code schema.table}). */
    public void setWarehouseTable(UUID id, String table) {
        db.update("UPDATE dataset SET warehouse_table = ? WHERE id = ? AND warehouse_table IS DISTINCT FROM ?", table,
                id, table);
    }

    public void touch(UUID id) {
        db.update("UPDATE dataset SET updated_at = now() WHERE id = ?", id);
    }

    public void replaceColumns(UUID id, List<Column> columns) {
        db.update("DELETE FROM dataset_column WHERE dataset_id = ?", id);
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            db.update("INSERT INTO dataset_column (dataset_id, position, name, type, description) "
                    + "VALUES (?, ?, ?, ?, ?)", id, i, c.name(), c.type(), c.description());
        }
    }

    public boolean delete(UUID id) {
        return db.update("DELETE FROM dataset WHERE id = ?", id) == 1;
    }

    private Dataset withColumns(Dataset d) {
        return d.withColumns(db.list("SELECT name, type, description FROM dataset_column WHERE dataset_id = ? "
                + "ORDER BY position", DatasetRepository::column, d.id())).withSharedWith(db.list(
                        "SELECT reader FROM dataset_share WHERE dataset_id = ? ORDER BY reader", rs -> rs.getString(1),
                        d.id()));
    }

    private List<Dataset> withColumns(List<Dataset> datasets) {
        if (datasets.isEmpty()) {
            return datasets;
        }
        Map<UUID, List<Column>> byDataset = new LinkedHashMap<>();
        datasets.forEach(d -> byDataset.put(d.id(), new ArrayList<>()));
        String[] ids = datasets.stream().map(d -> d.id().toString()).toArray(String[]::new);
        db.list("SELECT dataset_id, name, type, description FROM dataset_column WHERE dataset_id = ANY(?::uuid[]) "
                + "ORDER BY dataset_id, position", rs -> {
                    byDataset.get(rs.getObject("dataset_id", UUID.class)).add(column(rs));
                    return null;
                }, (Object) ids);
        Map<UUID, List<String>> readers = new LinkedHashMap<>();
        datasets.forEach(d -> readers.put(d.id(), new ArrayList<>()));
        db.list("SELECT dataset_id, reader FROM dataset_share WHERE dataset_id = ANY(?::uuid[]) ORDER BY reader",
                rs -> {
                    readers.get(rs.getObject("dataset_id", UUID.class)).add(rs.getString("reader"));
                    return null;
                }, (Object) ids);
        return datasets.stream().map(d -> d.withColumns(List.copyOf(byDataset.get(d.id()))).withSharedWith(readers
                .get(d.id()))).toList();
    }

    private static Column column(ResultSet rs) throws SQLException {
        return new Column(rs.getString("name"), rs.getString("type"), rs.getString("description"));
    }

    private Dataset map(ResultSet rs) throws SQLException {
        String namespace = rs.getString("namespace");
        String name = rs.getString("name");
        String layer = rs.getString("layer");
        int latest = rs.getInt("latest_version");
        Integer latestVersion = rs.wasNull() ? null : latest;
        return new Dataset(rs.getObject("id", UUID.class), namespace, name, rs.getString("description"),
                rs.getString("owner"), strings(rs, "tags"), layer, read(rs.getString("source"), Source.class),
                read(rs.getString("format"), Format.class), rs.getString("load_mode"), strings(rs, "merge_key"),
                rs.getString("contract"), List.of(), rs.getString("warehouse_table") != null
                        ? rs.getString("warehouse_table")
                        : defaultTable(layer, namespace, name),
                latestVersion, rs.getString("created_by"), Db.instant(rs, "created_at"), Db.instant(rs,
                        "updated_at"),
                List.of());
    }

    /** The table a dataset's identity maps to; null for an identity stored before the one namespace rule. */
    private static String defaultTable(String layer, String namespace, String name) {
        return Namespaces.isValid(namespace) ? DatasetNames.warehouseTable(layer, namespace, name) : null;
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        java.sql.Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private Object jsonb(Object value) {
        if (value == null) {
            return null;
        }
        try {
            return Db.jsonb(json.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    private <T> T read(String value, Class<T> type) {
        if (value == null) {
            return null;
        }
        try {
            return json.readValue(value, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not readable JSON", e);
        }
    }
}
