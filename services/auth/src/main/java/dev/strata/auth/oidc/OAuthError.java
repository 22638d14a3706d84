package dev.strata.auth.oidc;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The JSON error of the OAuth endpoints (RFC 6749 section 5.2). */
public record OAuthError(String error, @JsonProperty("error_description") String errorDescription) {
}
