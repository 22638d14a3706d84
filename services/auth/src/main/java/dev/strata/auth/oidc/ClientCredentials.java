package dev.strata.auth.oidc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import jakarta.ws.rs.core.MultivaluedMap;

/**
 * How a client identified itself at the token endpoint: HTTP Basic ({@code client_secret_basic}, RFC 6749 2.3.1) or
 * form parameters ({@code client_id}, {@code client_secret}). A public client sends only its id.
 *
 * @param secret null when none was sent
 */
public record ClientCredentials(String clientId, String secret) {

    private static final String BASIC = "Basic ";

    static ClientCredentials from(MultivaluedMap<String, String> form, String authorization) {
        String formId = FormParams.optional(form, "client_id");
        String formSecret = FormParams.optional(form, "client_secret");
        if (authorization == null || !authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            if (formId == null) {
                throw OAuthException.invalidClient("The client is not identified: send client_id (and its secret, "
                        + "if it has one, by HTTP Basic or client_secret).");
            }
            return new ClientCredentials(formId, formSecret);
        }
        if (formSecret != null) {
            throw OAuthException.invalidRequest("Send the client secret either by HTTP Basic or in the form, not "
                    + "both.");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OAuthException.invalidClient("The Basic authorization header is not valid base64.");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw OAuthException.invalidClient("The Basic authorization header needs client_id:client_secret.");
        }
        String id = URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8);
        if (formId != null && !formId.equals(id)) {
            throw OAuthException.invalidRequest("client_id differs from the client of the Basic authorization.");
        }
        return new ClientCredentials(id, URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ClientCredentials[clientId=" + clientId + "]";
    }
}
