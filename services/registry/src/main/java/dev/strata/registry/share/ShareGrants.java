package dev.strata.registry.share;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.registry.dataset.DatasetNames.WarehouseLocation;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * The Postgres side of shares: grants and revokes run as the owning namespace's own role
 * ({@link NamespaceRoles#share}), so the registry can share nothing that namespace does not own.
 */
@ApplicationScoped
public class ShareGrants {

    /** SQL states of a table or schema that does not exist. */
    static final String UNDEFINED_TABLE = "42P01";
    static final String UNDEFINED_SCHEMA = "3F000";
    /** SQL state of a statement the role has no right to run. */
    static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final NamespaceRoles roles;

    ShareGrants(NamespaceRoles roles) {
        this.roles = roles;
    }

    /** Whether the table exists (as the owning namespace's role sees it). */
    public boolean exists(WarehouseLocation table) throws SQLException {
        try (Connection c = roles.open(table.namespace());
                PreparedStatement s = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, quoted(table));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Grants the reader's role SELECT on the table and answers whether it now has it: false when the owning namespace's
     * role does not own the table (Postgres then grants nothing and only warns).
     */
    public boolean grant(WarehouseLocation table, String reader) throws SQLException {
        roles.share(table.namespace(), table.local(), table.table(), reader);
        try (Connection c = roles.open(table.namespace());
                PreparedStatement s = c.prepareStatement("SELECT has_table_privilege(?, ?, 'SELECT')")) {
            s.setString(1, Namespaces.role(reader));
            s.setString(2, quoted(table));
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Takes the reader's SELECT back; a table that is gone has nothing left to revoke. */
    public void revoke(WarehouseLocation table, String reader) throws SQLException {
        try {
            roles.unshare(table.namespace(), table.local(), table.table(), reader);
        } catch (SQLException e) {
            if (!isMissing(e)) {
                throw e;
            }
        }
    }

    static boolean isMissing(SQLException e) {
        return UNDEFINED_TABLE.equals(e.getSQLState()) || UNDEFINED_SCHEMA.equals(e.getSQLState());
    }

    private static String quoted(WarehouseLocation table) {
        return NamespaceRoles.quote(table.schema()) + "." + NamespaceRoles.quote(table.table());
    }
}
