package dev.strata.auth.oidc;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.Issuer;

/** OpenID Connect discovery: every endpoint relative to {@code strata.auth.issuer}. */
@Path("/.well-known/openid-configuration")
@Tag(name = "OpenID Connect")
@PermitAll
public class DiscoveryResource {

    private final Map<String, Object> document;

    DiscoveryResource(AuthConfig config) {
        String issuer = Issuer.normalize(config.issuer());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("issuer", issuer);
        d.put("authorization_endpoint", issuer + "/oauth2/authorize");
        d.put("token_endpoint", issuer + "/oauth2/token");
        d.put("userinfo_endpoint", issuer + "/oauth2/userinfo");
        d.put("jwks_uri", issuer + "/oauth2/jwks");
        d.put("revocation_endpoint", issuer + "/oauth2/revoke");
        d.put("device_authorization_endpoint", issuer + "/oauth2/device_authorization");
        d.put("end_session_endpoint", issuer + "/oauth2/logout");
        d.put("response_types_supported", List.of("code"));
        d.put("response_modes_supported", List.of("query"));
        d.put("grant_types_supported", List.of("authorization_code", "refresh_token", "client_credentials",
                TokenResource.TOKEN_EXCHANGE, DeviceCodeGrant.GRANT_TYPE));
        d.put("subject_types_supported", List.of("public"));
        d.put("id_token_signing_alg_values_supported", List.of("RS256"));
        d.put("code_challenge_methods_supported", List.of(Pkce.S256));
        d.put("token_endpoint_auth_methods_supported", List.of("none", "client_secret_basic", "client_secret_post"));
        d.put("revocation_endpoint_auth_methods_supported", List.of("none"));
        d.put("scopes_supported", Scopes.SUPPORTED);
        d.put("claims_supported", List.of("iss", "sub", "aud", "exp", "iat", "jti", "auth_time", "nonce", "sid",
                "azp", "preferred_username", "email", "groups", "strata_ns"));
        d.put("authorization_response_iss_parameter_supported", true);
        this.document = Collections.unmodifiableMap(d);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "OpenID Connect discovery document")
    public Map<String, Object> discovery() {
        return document;
    }
}
