package dev.strata.registry.preview;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.strata.events.DatasetColumn;
import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.dataset.Dataset;
import dev.strata.registry.dataset.DatasetNames;
import dev.strata.registry.dataset.DatasetService;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.web.ProblemException;

/**
 * Reads the first rows of a dataset's table from the warehouse as the namespace's own Postgres role
 * ({@link NamespaceRoles#open}), never as the warehouse admin: in a read-only transaction with a statement timeout,
 * the table named by quoted identifiers the registry derived (never caller text). A caller who reads the dataset
 * through a share previews it as the reader namespace's role, so Postgres itself decides what the share allows.
 */
@ApplicationScoped
public class PreviewService {

    private static final Logger LOG = Logger.getLogger(PreviewService.class);
    static final int TIMEOUT_SECONDS = 10;
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final NamespaceRoles roles;
    private final DatasetService datasets;
    private final NamespaceAccess access;
    private final RegistryConfig config;

    PreviewService(NamespaceRoles roles, DatasetService datasets, NamespaceAccess access, RegistryConfig config) {
        this.roles = roles;
        this.datasets = datasets;
        this.access = access;
        this.config = config;
    }

    public Preview preview(String namespace, String name, Integer limit) {
        Dataset dataset = datasets.readableOrShared(namespace, name);
        String as = reader(dataset);
        int lim = limit(limit, config);
        DatasetNames.WarehouseLocation table = DatasetNames.parseTable(dataset.warehouseTable())
                .filter(t -> t.namespace().equals(dataset.namespace()))
                .orElseThrow(() -> ProblemException.notFound("Dataset '" + dataset.qualifiedName() + "' has no "
                        + "table in a schema of namespace '" + dataset.namespace() + "' yet: load or build it."));
        try (Connection c = roles.open(as)) {
            readOnly(c);
            try {
                if (!exists(c, table.schema(), table.table())) {
                    throw ProblemException.notFound("Dataset '" + dataset.qualifiedName() + "' has no table "
                            + dataset.warehouseTable() + " in the warehouse yet: load or build it first.");
                }
                return read(c, dataset, quote(table.schema()) + "." + quote(table.table()), lim);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw ProblemException.forbidden("Namespace '" + as + "' may not read table "
                        + dataset.warehouseTable() + " in the warehouse" + (as.equals(namespace)
                                ? "."
                                : ": the share is not (or no longer) granted there; ask an admin of '" + namespace
                                        + "' to share it again."));
            }
            LOG.errorf("preview of %s as namespace '%s' failed: %s (SQL state %s)", dataset.warehouseTable(), as,
                    e.getMessage(), e.getSQLState());
            throw new ProblemException(jakarta.ws.rs.core.Response.Status.SERVICE_UNAVAILABLE,
                    "warehouse-unavailable", "The warehouse could not be read (" + sqlReason(e)
                            + "); retry in a moment.");
        }
    }

    /**
     * The namespace whose role reads the table: the dataset's own when the caller is an analyst there, else a
     * namespace it is shared with in which the caller is an analyst; 403 otherwise.
     */
    private String reader(Dataset dataset) {
        if (access.grants().allows(dataset.namespace(), Role.ANALYST)) {
            return dataset.namespace();
        }
        return datasets.sharedReader(dataset, Role.ANALYST).orElseThrow(() -> {
            if (access.readable().includes(dataset.namespace())) {
                access.require(dataset.namespace(), Role.ANALYST); // 403 naming the role
            }
            return ProblemException.forbidden("Previewing '" + dataset.qualifiedName() + "' needs the analyst role in "
                    + "its namespace or in a namespace it is shared with.");
        });
    }

    /** The caller's limit of rows (the configured default when none), 400 outside 1..max. */
    static int limit(Integer limit, RegistryConfig config) {
        int max = config.preview().maxLimit();
        int lim = limit == null ? config.preview().defaultLimit() : limit;
        if (lim < 1 || lim > max) {
            throw ProblemException.badRequest("limit must be between 1 and " + max + ".");
        }
        return lim;
    }

    /** Makes the connection's transaction read-only, with the statement timeout (the caller rolls it back). */
    static void readOnly(Connection c) throws SQLException {
        c.setAutoCommit(false);
        c.setReadOnly(true);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL statement_timeout = '" + TIMEOUT_SECONDS + "s'");
        }
    }

    static boolean exists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT to_regclass(quote_ident(?) || '.' || quote_ident(?)) IS NOT NULL")) {
            s.setString(1, schema);
            s.setString(2, table);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static Preview read(Connection c, Dataset dataset, String quotedTable, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT * FROM " + quotedTable + " LIMIT ?")) {
            s.setQueryTimeout(TIMEOUT_SECONDS + 1);
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                ResultSetMetaData meta = rs.getMetaData();
                List<DatasetColumn> columns = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    columns.add(new DatasetColumn(meta.getColumnName(i), meta.getColumnTypeName(i)));
                }
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns.size());
                    for (int i = 1; i <= columns.size(); i++) {
                        row.add(value(rs, meta.getColumnType(i), i));
                    }
                    rows.add(row);
                }
                return new Preview(dataset.qualifiedName(), dataset.warehouseTable(), columns, rows, limit);
            }
        }
    }

    private static Object value(ResultSet rs, int sqlType, int i) throws SQLException {
        Object value = switch (sqlType) {
            case Types.SMALLINT, Types.INTEGER, Types.BIGINT, Types.REAL, Types.DOUBLE, Types.FLOAT, Types.NUMERIC,
                    Types.DECIMAL, Types.BIT, Types.BOOLEAN ->
                rs.getObject(i);
            default -> rs.getString(i);
        };
        return rs.wasNull() ? null : value;
    }

    /** A PostgreSQL identifier, quoted: safe whatever characters it holds. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static String sqlReason(SQLException e) {
        return "57014".equals(e.getSQLState())
                ? "the query took longer than " + TIMEOUT_SECONDS + " s"
                : "SQL state " + e.getSQLState();
    }
}
