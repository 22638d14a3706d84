package dev.strata.auth.apitoken;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class ApiTokenRepository {

    private final Db db;

    ApiTokenRepository(Db db) {
        this.db = db;
    }

    public List<ApiToken> listOf(UUID userId) {
        return db.list("SELECT * FROM api_token WHERE user_id = ? ORDER BY created_at DESC", ApiTokenRepository::map,
                userId);
    }

    public Optional<ApiToken> find(UUID id) {
        return db.one("SELECT * FROM api_token WHERE id = ?", ApiTokenRepository::map, id);
    }

    public Optional<ApiToken> findByHash(String tokenHash) {
        return db.one("SELECT * FROM api_token WHERE token_hash = ?", ApiTokenRepository::map, tokenHash);
    }

    public void insert(UUID id, UUID userId, String name, String tokenHash, String prefix, Instant expiresAt) {
        db.update("INSERT INTO api_token (id, user_id, name, token_hash, prefix, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                id, userId, name, tokenHash, prefix, expiresAt);
    }

    public boolean revoke(UUID id) {
        return db.update("UPDATE api_token SET revoked_at = now() WHERE id = ? AND revoked_at IS NULL", id) > 0;
    }

    public void touch(UUID id) {
        db.update("UPDATE api_token SET last_used_at = now() WHERE id = ?", id);
    }

    private static ApiToken map(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
                rs.getString("prefix"), Db.instant(rs, "created_at"), Db.instant(rs, "expires_at"),
                Db.instant(rs, "revoked_at"), Db.instant(rs, "last_used_at"));
    }
}
