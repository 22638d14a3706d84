package dev.strata.registry.preview;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.strata.registry.config.RegistryConfig;
import dev.strata.registry.dataset.Dataset;
import dev.strata.registry.dataset.DatasetService;
import dev.strata.security.NamespaceAccess;
import dev.strata.security.Role;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/**
 * Reads the rows ingest quarantined for a dataset ({@code <pg ns>__quarantine.<name>}, written by loads under the
 * {@code quarantine} contract) as the namespace's own Postgres role, read-only, with a statement timeout: the rows
 * hold the data's values, so the caller needs the analyst role in the dataset's own namespace (a share does not
 * extend to its quarantine). A dataset whose loads never quarantined anything answers no rows.
 */
@ApplicationScoped
public class QuarantineService {

    private static final Logger LOG = Logger.getLogger(QuarantineService.class);
    private static final int TIMEOUT_SECONDS = PreviewService.TIMEOUT_SECONDS;
    private static final String SCHEMA = "quarantine";

    private final NamespaceRoles roles;
    private final DatasetService datasets;
    private final NamespaceAccess access;
    private final RegistryConfig config;

    QuarantineService(NamespaceRoles roles, DatasetService datasets, NamespaceAccess access, RegistryConfig config) {
        this.roles = roles;
        this.datasets = datasets;
        this.access = access;
        this.config = config;
    }

    public Quarantine rows(String namespace, String name, Integer limit) {
        Dataset dataset = datasets.readable(namespace, name); // 404 for a namespace the caller cannot read
        access.require(namespace, Role.ANALYST); // 403 naming the role
        int lim = PreviewService.limit(limit, config);
        String schema = Namespaces.schema(namespace, SCHEMA);
        String table = schema + "." + dataset.name();
        try (Connection c = roles.open(namespace)) {
            PreviewService.readOnly(c);
            try {
                if (!PreviewService.exists(c, schema, dataset.name())) {
                    return new Quarantine(dataset.qualifiedName(), table, 0, List.of(), lim);
                }
                String quoted = PreviewService.quote(schema) + "." + PreviewService.quote(dataset.name());
                return new Quarantine(dataset.qualifiedName(), table, count(c, quoted), read(c, quoted, lim), lim);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            LOG.errorf("reading the quarantine %s as namespace '%s' failed: %s (SQL state %s)", table, namespace,
                    e.getMessage(), e.getSQLState());
            throw new ProblemException(jakarta.ws.rs.core.Response.Status.SERVICE_UNAVAILABLE,
                    "warehouse-unavailable", "The warehouse could not be read (SQL state " + e.getSQLState()
                            + "); retry in a moment.");
        }
    }

    private static long count(Connection c, String quotedTable) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + quotedTable)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static List<QuarantinedRow> read(Connection c, String quotedTable, int limit) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT load_id, file, line, column_name, value, reason, "
                + "record::text, quarantined_at FROM " + quotedTable + " ORDER BY quarantined_at DESC, file, line "
                + "LIMIT ?")) {
            s.setQueryTimeout(TIMEOUT_SECONDS + 1);
            s.setInt(1, limit);
            List<QuarantinedRow> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Timestamp at = rs.getTimestamp(8);
                    rows.add(new QuarantinedRow(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            at == null ? null : at.toInstant()));
                }
            }
            return rows;
        }
    }
}
