package dev.strata.transform.run;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.DbtGrants;
import dev.strata.warehouse.NamespaceRoles;

/**
 * dbt's {@code grants} applied as dbt-postgres applies them ({@code apply_grants} with {@code copy_grants} semantics):
 * after the relation is built, on the model's connection (the namespace's role, which owns the relation and so may
 * grant on it), the grants the role gave on it are read ({@code information_schema.role_table_grants}, grantor the
 * current role), each listed one that is missing is granted and each given one that is no longer listed is revoked.
 * Only the roles grants may name ({@link DbtGrants#managedRoles}) are compared, so a Strata share to another namespace
 * is never taken back by a build. A node without {@code grants} (or with {@code grants: {}}) is left as it is.
 */
public final class Grants {

    private Grants() {
    }

    /** Makes the roles a project's grants name (the namespace's read-only role) before its build runs. */
    public static void ensureRoles(NamespaceRoles roles, CompiledProject project) throws SQLException {
        for (CompiledModel m : project.models().values()) {
            Map<String, List<String>> grants = DbtGrants.of(m.config());
            if (grants != null && grants.values().stream().anyMatch(g -> g.contains(DbtGrants.READER))) {
                roles.ensureReader(project.namespace());
                return;
            }
        }
    }

    /** Applies the node's grants, if it has any; the statements run, in order (empty when nothing changed). */
    static List<String> apply(Connection c, CompiledModel m, String namespace) throws SQLException {
        Map<String, List<String>> wanted = DbtGrants.resolve(m.config(), namespace);
        if (wanted == null || m.ephemeral()) {
            return List.of();
        }
        Set<String> managed = DbtGrants.managedRoles(namespace);
        Map<String, Set<String>> current = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("select grantee::text, lower(privilege_type) from"
                + " information_schema.role_table_grants where grantor = current_role and grantee <> current_role"
                + " and table_schema = ? and table_name = ?")) {
            ps.setString(1, m.schema());
            ps.setString(2, m.identifier());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (managed.contains(rs.getString(1))) {
                        current.computeIfAbsent(rs.getString(2), p -> new HashSet<>()).add(rs.getString(1));
                    }
                }
            }
        }
        List<String> statements = new ArrayList<>();
        // dbt: revoke what is given but not listed (a privilege not listed at all loses every grantee), then grant
        current.forEach((privilege, grantees) -> grantees.stream().sorted()
                .filter(g -> !wanted.getOrDefault(privilege, List.of()).contains(g))
                .forEach(g -> statements.add("revoke " + privilege + " on " + m.relation() + " from "
                        + NamespaceRoles.quote(g))));
        wanted.forEach((privilege, grantees) -> grantees.stream()
                .filter(g -> !current.getOrDefault(privilege, Set.of()).contains(g))
                .forEach(g -> statements.add("grant " + privilege + " on " + m.relation() + " to "
                        + NamespaceRoles.quote(g))));
        if (!statements.isEmpty()) {
            try (Statement s = c.createStatement()) {
                s.execute(String.join(";\n", statements));
            } catch (SQLException e) {
                throw new SQLException("grants of " + m.name() + " could not be applied: " + e.getMessage(), e
                        .getSQLState(), e);
            }
        }
        return statements;
    }
}
