package dev.strata.auth.token;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code refresh_token}: one link of a family (a sign-in), rotated at each use. */
public record RefreshToken(UUID id, UUID familyId, UUID userId, String clientId, UUID parentId, String scope,
        Instant createdAt, Instant expiresAt, Instant usedAt, Instant revokedAt) {
}
