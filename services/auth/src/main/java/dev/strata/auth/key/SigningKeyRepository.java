package dev.strata.auth.key;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import dev.strata.web.db.Db;

@ApplicationScoped
public class SigningKeyRepository {

    private static final String COLUMNS = "kid, algorithm, public_jwk, private_key, created_at, activated_at, retired_at";

    private final Db db;

    SigningKeyRepository(Db db) {
        this.db = db;
    }

    /** Serializes key creation and rotation across replicas (until the transaction ends). */
    public void lock() {
        db.one("SELECT pg_advisory_xact_lock(hashtext('strata.auth.signing_key'))", rs -> 1);
    }

    public Optional<SigningKey> active() {
        return db.one("SELECT " + COLUMNS + " FROM signing_key WHERE retired_at IS NULL", SigningKeyRepository::map);
    }

    /** The active key and every key retired after {@code retiredSince}, newest first. */
    public List<SigningKey> published(Instant retiredSince) {
        return db.list("SELECT " + COLUMNS + " FROM signing_key WHERE retired_at IS NULL OR retired_at > ? "
                + "ORDER BY activated_at DESC", SigningKeyRepository::map, retiredSince);
    }

    public List<SigningKey> all() {
        return db.list("SELECT " + COLUMNS + " FROM signing_key ORDER BY created_at DESC", SigningKeyRepository::map);
    }

    public void insertActive(String kid, String algorithm, String publicJwk, String sealedPrivateKey) {
        db.update("INSERT INTO signing_key (kid, algorithm, public_jwk, private_key, activated_at) "
                + "VALUES (?, ?, ?, ?, now())", kid, algorithm, publicJwk, sealedPrivateKey);
    }

    /** Retires the active key: it stays published for verification, its private half is erased. */
    public int retireActive() {
        return db.update("UPDATE signing_key SET retired_at = now(), private_key = NULL WHERE retired_at IS NULL");
    }

    private static SigningKey map(ResultSet rs) throws SQLException {
        return new SigningKey(rs.getString("kid"), rs.getString("algorithm"), rs.getString("public_jwk"),
                Optional.ofNullable(rs.getString("private_key")), Db.instant(rs, "created_at"),
                Db.instant(rs, "activated_at"), Db.instant(rs, "retired_at"));
    }
}
