package dev.strata.auth.apitoken;

import java.time.Instant;

/**
 * The body of {@code POST /api/v1/api-tokens}.
 *
 * @param expiresAt required: when the token stops working (at most {@code strata.auth.api-tokens.max-lifespan}
 *        from now)
 */
public record NewApiToken(String name, Instant expiresAt) {
}
