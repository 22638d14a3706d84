package dev.strata.auth.apitoken;

import java.time.Instant;
import java.util.UUID;

/** A personal API token as the API lists it: its prefix to recognise it, never the token. */
public record ApiTokenView(UUID id, String name, String prefix, Instant createdAt, Instant expiresAt,
        Instant revokedAt, Instant lastUsedAt) {

    static ApiTokenView of(ApiToken t) {
        return new ApiTokenView(t.id(), t.name(), t.prefix(), t.createdAt(), t.expiresAt(), t.revokedAt(),
                t.lastUsedAt());
    }
}
