package dev.strata.auth.oidc;

import jakarta.ws.rs.core.MultivaluedMap;

import io.quarkus.qute.TemplateData;

/** The parameters of an authorization request (RFC 6749 4.1.1 + PKCE + OIDC nonce), from the query or the form. */
@TemplateData
public record AuthorizationRequest(String responseType, String clientId, String redirectUri, String scope,
        String state, String codeChallenge, String codeChallengeMethod, String nonce) {

    static AuthorizationRequest from(MultivaluedMap<String, String> params) {
        return new AuthorizationRequest(FormParams.optional(params, "response_type"),
                FormParams.optional(params, "client_id"), FormParams.optional(params, "redirect_uri"),
                FormParams.optional(params, "scope"), FormParams.optional(params, "state"),
                FormParams.optional(params, "code_challenge"), FormParams.optional(params, "code_challenge_method"),
                FormParams.optional(params, "nonce"));
    }

    String scopeOrEmpty() {
        return scope == null ? "" : scope.trim();
    }
}
