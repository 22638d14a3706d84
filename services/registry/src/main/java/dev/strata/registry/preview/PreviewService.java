package dev.strata.registry.preview;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;

import dev.strata.events.DatasetColumn;
import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.dataset.Dataset;
import dev.strata.registry.dataset.DatasetService;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.web.ProblemException;

/**
 * Reads the first rows of a dataset's table from the warehouse: read-only, with a limit and a statement timeout, the
 * table named by quoted identifiers derived from the dataset's identity (never from caller text).
 */
@ApplicationScoped
public class PreviewService {

    private static final Logger LOG = Logger.getLogger(PreviewService.class);
    private static final int TIMEOUT_SECONDS = 10;

    private final AgroalDataSource warehouse;
    private final DatasetService datasets;
    private final NamespaceAccess access;
    private final RegistryConfig config;

    PreviewService(@DataSource("warehouse") AgroalDataSource warehouse, DatasetService datasets,
            NamespaceAccess access, RegistryConfig config) {
        this.warehouse = warehouse;
        this.datasets = datasets;
        this.access = access;
        this.config = config;
    }

    public Preview preview(String namespace, String name, Integer limit) {
        Dataset dataset = datasets.readable(namespace, name);
        access.require(namespace, Role.ANALYST);
        int max = config.preview().maxLimit();
        int lim = limit == null ? config.preview().defaultLimit() : limit;
        if (lim < 1 || lim > max) {
            throw ProblemException.badRequest("limit must be between 1 and " + max + ".");
        }
        String qualified = dataset.warehouseTable();
        String schema = qualified.substring(0, qualified.indexOf('.'));
        String table = qualified.substring(qualified.indexOf('.') + 1);
        try (Connection c = warehouse.getConnection()) {
            c.setReadOnly(true);
            if (!exists(c, schema, table)) {
                throw ProblemException.notFound("Dataset '" + dataset.qualifiedName() + "' has no table "
                        + dataset.warehouseTable() + " in the warehouse yet: load or build it first.");
            }
            return read(c, dataset, quote(schema) + "." + quote(table), lim);
        } catch (SQLException e) {
            LOG.errorf("preview of %s failed: %s (SQL state %s)", dataset.warehouseTable(), e.getMessage(),
                    e.getSQLState());
            throw new ProblemException(jakarta.ws.rs.core.Response.Status.SERVICE_UNAVAILABLE,
                    "warehouse-unavailable", "The warehouse could not be read (" + sqlReason(e)
                            + "); retry in a moment.");
        }
    }

    private static boolean exists(Connection c, String schema, String table) throws SQLException {
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
            s.setQueryTimeout(TIMEOUT_SECONDS);
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
