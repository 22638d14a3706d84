package dev.strata.auth.user;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code users}. */
public record User(UUID id, String username, String email, String passwordHash, int failedLogins,
        Instant lockedUntil, boolean disabled, Instant createdAt) {

    public boolean lockedAt(Instant now) {
        return lockedUntil != null && lockedUntil.isAfter(now);
    }
}
