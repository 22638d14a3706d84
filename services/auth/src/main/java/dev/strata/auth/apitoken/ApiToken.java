package dev.strata.auth.apitoken;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code api_token}: a personal API token, known only by its SHA-256 hash. */
public record ApiToken(UUID id, UUID userId, String name, String prefix, Instant createdAt, Instant expiresAt,
        Instant revokedAt, Instant lastUsedAt) {

    public boolean usableAt(Instant now) {
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
