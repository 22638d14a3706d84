package dev.strata.auth.serviceaccount;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class ServiceAccountRepository {

    private final Db db;

    ServiceAccountRepository(Db db) {
        this.db = db;
    }

    /** Service accounts by name; with {@code boundIn}, only those with a binding on one of these namespaces. */
    public List<ServiceAccount> list(String[] boundIn) {
        if (boundIn == null) {
            return db.list("SELECT * FROM service_account ORDER BY name", ServiceAccountRepository::map);
        }
        return db.list("SELECT * FROM service_account s WHERE EXISTS (SELECT 1 FROM role_binding b "
                + "WHERE b.principal_kind = 'service_account' AND b.principal_id = s.id AND b.namespace = ANY(?)) "
                + "ORDER BY name", ServiceAccountRepository::map, (Object) boundIn);
    }

    public Optional<ServiceAccount> find(UUID id) {
        return db.one("SELECT * FROM service_account WHERE id = ?", ServiceAccountRepository::map, id);
    }

    public Optional<ServiceAccount> findByName(String name) {
        return db.one("SELECT * FROM service_account WHERE name = ?", ServiceAccountRepository::map, name);
    }

    public Optional<ServiceAccount> findByClientId(String clientId) {
        return db.one("SELECT * FROM service_account WHERE client_id = ?", ServiceAccountRepository::map, clientId);
    }

    public void insert(UUID id, String name, String clientId, String secretHash) {
        db.update("INSERT INTO service_account (id, name, client_id, secret_hash) VALUES (?, ?, ?, ?)", id, name,
                clientId, secretHash);
    }

    public void setSecretHash(UUID id, String secretHash) {
        db.update("UPDATE service_account SET secret_hash = ? WHERE id = ?", secretHash, id);
    }

    public void delete(UUID id) {
        db.update("DELETE FROM service_account WHERE id = ?", id);
    }

    private static ServiceAccount map(ResultSet rs) throws SQLException {
        return new ServiceAccount(rs.getObject("id", UUID.class), rs.getString("name"), rs.getString("client_id"),
                rs.getString("secret_hash"), Db.instant(rs, "created_at"), rs.getBoolean("disabled"));
    }
}
