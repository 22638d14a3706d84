package dev.strata.auth.oidc;

import java.time.Instant;
import java.util.UUID;

/** A device code of the device grant (RFC 8628) and what became of it. */
public record DeviceAuthorization(String deviceCodeHash, String userCode, String clientId, String scope, String status,
        UUID userId, UUID familyId, int intervalSeconds, Instant lastPolledAt, Instant createdAt, Instant expiresAt) {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String DENIED = "denied";
    public static final String USED = "used";
}
