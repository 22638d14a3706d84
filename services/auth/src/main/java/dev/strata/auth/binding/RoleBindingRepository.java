package dev.strata.auth.binding;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.auth.access.Caller;
import dev.strata.auth.access.PrincipalKind;
import dev.strata.auth.access.Role;
import dev.strata.web.db.Db;

@ApplicationScoped
public class RoleBindingRepository {

    private static final String SELECT = "SELECT b.*, coalesce(u.username, s.name) AS principal_name "
            + "FROM role_binding b "
            + "LEFT JOIN users u ON b.principal_kind = 'user' AND u.id = b.principal_id "
            + "LEFT JOIN service_account s ON b.principal_kind = 'service_account' AND s.id = b.principal_id ";

    private final Db db;

    RoleBindingRepository(Db db) {
        this.db = db;
    }

    /** The principal's role per namespace ({@code *} = every namespace). */
    public Map<String, Role> rolesOf(PrincipalKind kind, UUID principalId) {
        Map<String, Role> roles = new LinkedHashMap<>();
        db.list("SELECT namespace, role FROM role_binding WHERE principal_kind = ? AND principal_id = ? "
                + "ORDER BY namespace", rs -> Map.entry(rs.getString("namespace"), rs.getString("role")),
                kind.value(), principalId)
                .forEach(e -> Role.parse(e.getValue()).ifPresent(r -> roles.put(e.getKey(), r)));
        return roles;
    }

    /**
     * Bindings, filtered.
     *
     * @param visibleNamespaces only bindings on these namespaces; null for every binding
     */
    public List<RoleBinding> list(String[] visibleNamespaces, String namespace, PrincipalKind kind,
            UUID principalId) {
        StringBuilder sql = new StringBuilder(SELECT).append("WHERE true");
        List<Object> params = new ArrayList<>();
        if (visibleNamespaces != null) {
            sql.append(" AND b.namespace = ANY(?)");
            params.add(visibleNamespaces);
        }
        if (namespace != null) {
            sql.append(" AND b.namespace = ?");
            params.add(namespace);
        }
        if (kind != null) {
            sql.append(" AND b.principal_kind = ?");
            params.add(kind.value());
        }
        if (principalId != null) {
            sql.append(" AND b.principal_id = ?");
            params.add(principalId);
        }
        sql.append(" ORDER BY b.namespace, principal_name");
        return db.list(sql.toString(), RoleBindingRepository::map, params.toArray());
    }

    public Optional<RoleBinding> find(UUID id) {
        return db.one(SELECT + "WHERE b.id = ?", RoleBindingRepository::map, id);
    }

    public Optional<RoleBinding> find(PrincipalKind kind, UUID principalId, String namespace) {
        return db.one(SELECT + "WHERE b.principal_kind = ? AND b.principal_id = ? AND b.namespace = ?",
                RoleBindingRepository::map, kind.value(), principalId, namespace);
    }

    public void insert(UUID id, PrincipalKind kind, UUID principalId, String namespace, Role role) {
        db.update("INSERT INTO role_binding (id, principal_kind, principal_id, namespace, role) VALUES (?, ?, ?, ?, ?)",
                id, kind.value(), principalId, namespace, role.claimValue());
    }

    public void updateRole(UUID id, Role role) {
        db.update("UPDATE role_binding SET role = ? WHERE id = ?", role.claimValue(), id);
    }

    public void delete(UUID id) {
        db.update("DELETE FROM role_binding WHERE id = ?", id);
    }

    public void deleteForPrincipal(PrincipalKind kind, UUID principalId) {
        db.update("DELETE FROM role_binding WHERE principal_kind = ? AND principal_id = ?", kind.value(), principalId);
    }

    public void deleteForNamespace(String namespace) {
        db.update("DELETE FROM role_binding WHERE namespace = ?", namespace);
    }

    /**
     * Enabled users with {@code admin} on {@code *}, leaving out one user and one binding (to see whether a change
     * would leave none).
     */
    public long countGlobalAdmins(UUID exceptUser, UUID exceptBinding) {
        return db.count("SELECT count(*) FROM role_binding b JOIN users u ON u.id = b.principal_id "
                + "WHERE b.principal_kind = 'user' AND b.namespace = ? AND b.role = 'admin' AND NOT u.disabled "
                + "AND u.id IS DISTINCT FROM ? AND b.id IS DISTINCT FROM ?", Caller.ALL_NAMESPACES, exceptUser,
                exceptBinding);
    }

    private static RoleBinding map(ResultSet rs) throws SQLException {
        return new RoleBinding(rs.getObject("id", UUID.class),
                PrincipalKind.parse(rs.getString("principal_kind")).orElseThrow(),
                rs.getObject("principal_id", UUID.class), rs.getString("principal_name"), rs.getString("namespace"),
                Role.parse(rs.getString("role")).orElseThrow(), Db.instant(rs, "created_at"));
    }
}
