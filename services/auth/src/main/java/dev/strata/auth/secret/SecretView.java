package dev.strata.auth.secret;

import java.time.Instant;

/** What anyone may see of a secret: never its value. */
public record SecretView(String namespace, String name, Instant createdAt, String createdBy, Instant updatedAt,
        String updatedBy) {
}
