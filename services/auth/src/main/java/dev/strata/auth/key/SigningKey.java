package dev.strata.auth.key;

import java.time.Instant;
import java.util.Optional;

/**
 * A row of {@code signing_key}.
 *
 * @param publicJwk the public key as a JWK (JSON)
 * @param sealedPrivateKey the private key as stored (see {@link KeyEncryption}); empty once retired
 */
public record SigningKey(String kid, String algorithm, String publicJwk, Optional<String> sealedPrivateKey,
        Instant createdAt, Instant activatedAt, Instant retiredAt) {

    public boolean active() {
        return retiredAt == null;
    }
}
