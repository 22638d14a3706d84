package dev.strata.auth.oidc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class AuthorizationCodeRepository {

    private final Db db;

    AuthorizationCodeRepository(Db db) {
        this.db = db;
    }

    public void insert(String codeHash, AuthorizationRequest request, UUID userId, UUID familyId, Instant expiresAt) {
        db.update("DELETE FROM authorization_code WHERE expires_at < now() - interval '1 day'");
        db.update("INSERT INTO authorization_code (code_hash, client_id, user_id, redirect_uri, code_challenge, scope, "
                + "nonce, family_id, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", codeHash, request.clientId(),
                userId, request.redirectUri(), request.codeChallenge(), request.scopeOrEmpty(), request.nonce(),
                familyId, expiresAt);
    }

    /** The code with this hash, locked until the transaction ends (two exchanges of one code serialize here). */
    public Optional<AuthorizationCode> lockByHash(String codeHash) {
        return db.one("SELECT * FROM authorization_code WHERE code_hash = ? FOR UPDATE",
                AuthorizationCodeRepository::map, codeHash);
    }

    public void markUsed(String codeHash) {
        db.update("UPDATE authorization_code SET used_at = now() WHERE code_hash = ?", codeHash);
    }

    private static AuthorizationCode map(ResultSet rs) throws SQLException {
        return new AuthorizationCode(rs.getString("code_hash"), rs.getString("client_id"),
                rs.getObject("user_id", UUID.class), rs.getString("redirect_uri"), rs.getString("code_challenge"),
                rs.getString("scope"), rs.getString("nonce"), rs.getObject("family_id", UUID.class),
                Db.instant(rs, "created_at"), Db.instant(rs, "expires_at"), Db.instant(rs, "used_at"));
    }
}
