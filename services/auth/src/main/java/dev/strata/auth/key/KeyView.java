package dev.strata.auth.key;

import java.time.Instant;

/** A signing key as the API lists it (never the private half). */
public record KeyView(String kid, String algorithm, boolean active, Instant createdAt, Instant activatedAt,
        Instant retiredAt) {

    static KeyView of(SigningKey key) {
        return new KeyView(key.kid(), key.algorithm(), key.active(), key.createdAt(), key.activatedAt(),
                key.retiredAt());
    }
}
