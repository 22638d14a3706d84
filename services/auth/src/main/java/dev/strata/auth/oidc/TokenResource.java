package dev.strata.auth.oidc;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The token endpoint: one grant type per request, each handled by its own class. */
@Path("/oauth2/token")
@Tag(name = "OpenID Connect")
@PermitAll
public class TokenResource {

    public static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";

    private final AuthorizationCodeGrant authorizationCode;
    private final RefreshTokenGrant refreshToken;
    private final ClientCredentialsGrant clientCredentials;
    private final TokenExchangeGrant tokenExchange;
    private final DeviceCodeGrant deviceCode;

    TokenResource(AuthorizationCodeGrant authorizationCode, RefreshTokenGrant refreshToken,
            ClientCredentialsGrant clientCredentials, TokenExchangeGrant tokenExchange, DeviceCodeGrant deviceCode) {
        this.deviceCode = deviceCode;
        this.authorizationCode = authorizationCode;
        this.refreshToken = refreshToken;
        this.clientCredentials = clientCredentials;
        this.tokenExchange = tokenExchange;
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Issue tokens", description = "grant_type authorization_code (+ code_verifier), "
            + "refresh_token (rotated; a reused one revokes its family), client_credentials (service accounts, "
            + "client_secret_basic or client_secret_post), " + TOKEN_EXCHANGE + " (a personal API token as "
            + "subject_token → a short-lived access token), " + DeviceCodeGrant.GRANT_TYPE + " (device_code; RFC 8628"
            + " polling: authorization_pending, slow_down, access_denied, expired_token).")
    public Response token(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String grantType = FormParams.required(form, "grant_type");
        TokenResponse response = switch (grantType) {
            case "authorization_code" -> authorizationCode.exchange(form, authorization);
            case "refresh_token" -> refreshToken.refresh(form, authorization);
            case "client_credentials" -> clientCredentials.issue(form, authorization);
            case TOKEN_EXCHANGE -> tokenExchange.exchange(form);
            case DeviceCodeGrant.GRANT_TYPE -> deviceCode.exchange(form, authorization);
            default -> throw OAuthException.unsupportedGrantType("Supported grant types: authorization_code, "
                    + "refresh_token, client_credentials, " + TOKEN_EXCHANGE + ", " + DeviceCodeGrant.GRANT_TYPE
                    + ".");
        };
        return Response.ok(response).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }
}
