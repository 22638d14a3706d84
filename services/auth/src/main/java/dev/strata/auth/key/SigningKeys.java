package dev.strata.auth.key;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

import io.quarkus.runtime.StartupEvent;

import dev.strata.auth.config.AuthConfig;

/**
 * The signing keys as this replica knows them: the active key that signs, and the published keys that verify (the
 * active one plus the retired ones whose tokens may still be alive). Re-read from the database every
 * {@code strata.auth.key-refresh-interval}, and at once (at most every few seconds) when a token names an unknown
 * {@code kid}, so a rotation on another replica is picked up without a restart.
 */
@ApplicationScoped
public class SigningKeys {

    /** The key that signs new tokens. */
    public record ActiveKey(String kid, PrivateKey privateKey) {
    }

    private record Snapshot(ActiveKey active, Map<String, PublicJsonWebKey> published, Instant loadedAt) {
    }

    private static final Logger LOG = Logger.getLogger(SigningKeys.class);
    private static final Duration UNKNOWN_KID_RELOAD_GAP = Duration.ofSeconds(5);
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(2);

    private final SigningKeyRepository repository;
    private final SigningKeyService service;
    private final KeyEncryption encryption;
    private final Duration refreshInterval;
    private final Duration retiredKeyRetention;
    private final Clock clock = Clock.systemUTC();
    private volatile Snapshot snapshot;

    SigningKeys(SigningKeyRepository repository, SigningKeyService service, KeyEncryption encryption,
            AuthConfig config) {
        this.repository = repository;
        this.service = service;
        this.encryption = encryption;
        this.refreshInterval = config.keyRefreshInterval();
        // a retired key verifies until the last token it signed expires, also one signed by a replica that had not
        // yet seen the rotation
        this.retiredKeyRetention = config.accessTokenLifespan().plus(refreshInterval).plus(CLOCK_SKEW);
    }

    void onStart(@Observes StartupEvent event) {
        service.ensureActiveKey();
        load();
    }

    public ActiveKey active() {
        return current().active();
    }

    /** The public key with this kid, if it is published. */
    public Optional<PublicKey> verificationKey(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        Snapshot s = current();
        PublicJsonWebKey jwk = s.published().get(kid);
        if (jwk == null && clock.instant().isAfter(s.loadedAt().plus(UNKNOWN_KID_RELOAD_GAP))) {
            try {
                jwk = load().published().get(kid);
            } catch (RuntimeException e) {
                LOG.warnf("cannot re-read the signing keys for an unknown kid: %s", e.getMessage());
            }
        }
        return Optional.ofNullable(jwk).map(PublicJsonWebKey::getPublicKey);
    }

    /** The published keys as JWKs (public parts only), the active one first. */
    public List<Map<String, Object>> jwks() {
        return current().published().values().stream()
                .map(jwk -> jwk.toParams(JsonWebKey.OutputControlLevel.PUBLIC_ONLY)).toList();
    }

    /** Rotates the key (see {@link SigningKeyService#rotate()}) and starts signing with the new one here at once. */
    public String rotate() {
        String kid = service.rotate();
        refresh();
        return kid;
    }

    /** Re-reads the keys from the database now. */
    public void refresh() {
        load();
    }

    private synchronized Snapshot load() {
        List<SigningKey> keys = repository.published(clock.instant().minus(retiredKeyRetention));
        Map<String, PublicJsonWebKey> published = new LinkedHashMap<>();
        ActiveKey active = null;
        for (SigningKey key : keys) {
            published.put(key.kid(), parse(key.publicJwk()));
            if (key.active()) {
                active = new ActiveKey(key.kid(), privateKey(key));
            }
        }
        if (active == null) {
            throw new IllegalStateException("no active signing key in the database");
        }
        snapshot = new Snapshot(active, Collections.unmodifiableMap(published), clock.instant());
        return snapshot;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        if (s == null) {
            return load();
        }
        if (clock.instant().isAfter(s.loadedAt().plus(refreshInterval))) {
            try {
                return load();
            } catch (RuntimeException e) {
                // the database is away: keep signing and verifying with the keys we know, try again later
                LOG.warnf("cannot re-read the signing keys, keeping the ones loaded at %s: %s", s.loadedAt(),
                        e.getMessage());
                snapshot = new Snapshot(s.active(), s.published(), clock.instant());
            }
        }
        return snapshot;
    }

    private PrivateKey privateKey(SigningKey key) {
        String sealed = key.sealedPrivateKey()
                .orElseThrow(
                        () -> new IllegalStateException("active signing key " + key.kid() + " has no private key"));
        try {
            byte[] pkcs8 = encryption.open(key.kid(), sealed);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("signing key " + key.kid() + " is not a valid RSA key", e);
        }
    }

    private static PublicJsonWebKey parse(String json) {
        try {
            return PublicJsonWebKey.Factory.newPublicJwk(json);
        } catch (JoseException e) {
            throw new IllegalStateException("a published signing key is not a valid JWK", e);
        }
    }
}
