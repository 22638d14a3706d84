package dev.strata.auth.oidc;

import java.time.Instant;
import java.util.UUID;

/** A row of {@code authorization_code}: single use, short-lived, bound to client, redirect URI and PKCE challenge. */
public record AuthorizationCode(String codeHash, String clientId, UUID userId, String redirectUri,
        String codeChallenge, String scope, String nonce, UUID familyId, Instant createdAt, Instant expiresAt,
        Instant usedAt) {
}
