package dev.strata.ingest.load;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * The loader's warehouse: connections as the namespace's own role ({@link NamespaceRoles#open}), after its schemas are
 * made and the role may use the ingest state.
 *
 * <p>
 * The load ledger and the incremental cursors stay in one place, {@code strata_ingest} (Flyway, owned by the warehouse
 * admin), with row-level security: each row carries the role that wrote it ({@code namespace_role}, default
 * {@code current_user}) and the policy lets a role see and write only its own rows. So the ledger row commits in the
 * same transaction as the loaded rows (exactly once), yet one namespace can neither read nor change another's. Chosen
 * over a state schema owned by each namespace ({@code <pg>__strata}) because the namespace's role also runs its users'
 * {@code sql} tasks and models: as owner it could drop or alter the tables, here it can only touch its own rows (no
 * DELETE, no DDL), and the tables keep one migration history.
 */
public final class NamespaceWarehouse implements Loader.Warehouse {

    private final NamespaceRoles roles;
    private final Set<String> granted = ConcurrentHashMap.newKeySet();

    public NamespaceWarehouse(NamespaceRoles roles) {
        this.roles = roles;
    }

    @Override
    public Connection open(String namespace, Collection<String> schemas) throws SQLException {
        roles.ensure(namespace);
        roles.ensureSchemas(namespace, schemas);
        grantState(namespace);
        return roles.open(namespace);
    }

    /** Lets the namespace's role use its rows of the ingest state; idempotent, once per process and namespace. */
    private void grantState(String namespace) throws SQLException {
        if (granted.contains(namespace)) {
            return;
        }
        String role = NamespaceRoles.quote(Namespaces.role(namespace));
        try (Connection c = roles.admin(); Statement s = c.createStatement()) {
            s.execute("GRANT USAGE ON SCHEMA strata_ingest TO " + role);
            s.execute("GRANT SELECT, INSERT, UPDATE ON strata_ingest.load_ledger, strata_ingest.cursor_state TO "
                    + role);
        }
        granted.add(namespace);
    }
}
