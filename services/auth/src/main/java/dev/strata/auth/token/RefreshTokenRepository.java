package dev.strata.auth.token;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class RefreshTokenRepository {

    private final Db db;

    RefreshTokenRepository(Db db) {
        this.db = db;
    }

    public void insert(UUID id, UUID familyId, UUID userId, String clientId, String tokenHash, UUID parentId,
            String scope, Instant expiresAt) {
        db.update("INSERT INTO refresh_token (id, family_id, user_id, client_id, token_hash, parent_id, scope, "
                + "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", id, familyId, userId, clientId, tokenHash, parentId,
                scope, expiresAt);
    }

    /** The token with this hash, locked until the transaction ends (two refreshes of one token serialize here). */
    public Optional<RefreshToken> lockByHash(String tokenHash) {
        return db.one("SELECT * FROM refresh_token WHERE token_hash = ? FOR UPDATE", RefreshTokenRepository::map,
                tokenHash);
    }

    /** Forgets a user's tokens that expired more than a day ago (a replayed one is then just unknown). */
    public void deleteExpiredOf(UUID userId) {
        db.update("DELETE FROM refresh_token WHERE user_id = ? AND expires_at < now() - interval '1 day'", userId);
    }

    public void markUsed(UUID id) {
        db.update("UPDATE refresh_token SET used_at = now() WHERE id = ?", id);
    }

    /** Revokes every token of a family (a sign-in); answers how many were still live. */
    public int revokeFamily(UUID familyId) {
        return db.update("UPDATE refresh_token SET revoked_at = now() WHERE family_id = ? AND revoked_at IS NULL",
                familyId);
    }

    public int revokeAllOf(UUID userId) {
        return db.update("UPDATE refresh_token SET revoked_at = now() WHERE user_id = ? AND revoked_at IS NULL",
                userId);
    }

    private static RefreshToken map(ResultSet rs) throws SQLException {
        return new RefreshToken(rs.getObject("id", UUID.class), rs.getObject("family_id", UUID.class),
                rs.getObject("user_id", UUID.class), rs.getString("client_id"), rs.getObject("parent_id", UUID.class),
                rs.getString("scope"), Db.instant(rs, "created_at"), Db.instant(rs, "expires_at"),
                Db.instant(rs, "used_at"), Db.instant(rs, "revoked_at"));
    }
}
