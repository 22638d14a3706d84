package dev.strata.auth.user;

import java.time.Instant;
import java.util.UUID;

/** A user as the API shows it (never the password hash). */
public record UserView(UUID id, String username, String email, boolean disabled, boolean locked, Instant createdAt) {

    static UserView of(User user, Instant now) {
        return new UserView(user.id(), user.username(), user.email(), user.disabled(), user.lockedAt(now),
                user.createdAt());
    }
}
