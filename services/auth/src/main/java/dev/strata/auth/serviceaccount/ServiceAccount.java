package dev.strata.auth.serviceaccount;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code service_account}: a non-human principal that signs in with client credentials. */
public record ServiceAccount(UUID id, String name, String clientId, String secretHash, Instant createdAt,
        boolean disabled) {

    /** Its subject in tokens and its actor in the audit log. */
    public String subject() {
        return "sa:" + name;
    }
}
