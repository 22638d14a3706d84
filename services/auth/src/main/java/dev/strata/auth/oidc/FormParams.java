package dev.strata.auth.oidc;

import java.util.List;

import jakarta.ws.rs.core.MultivaluedMap;

/** Reads OAuth request parameters: each at most once (RFC 6749 section 3.1). */
final class FormParams {

    private FormParams() {
    }

    /** The parameter, or null when absent or empty. */
    static String optional(MultivaluedMap<String, String> params, String name) {
        List<String> values = params.get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw OAuthException.invalidRequest("The parameter " + name + " is repeated; send it once.");
        }
        String value = values.get(0);
        return value == null || value.isEmpty() ? null : value;
    }

    static String required(MultivaluedMap<String, String> params, String name) {
        String value = optional(params, name);
        if (value == null) {
            throw OAuthException.invalidRequest("The parameter " + name + " is missing.");
        }
        return value;
    }
}
