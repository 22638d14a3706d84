package dev.strata.auth.apitoken;

/** A new personal API token: {@code token} is shown this once and stored only as a hash. */
public record CreatedApiToken(ApiTokenView apiToken, String token) {
}
