package dev.strata.auth.oidc;

import java.util.LinkedHashMap;
import java.util.Map;

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

import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.Issuer;

/**
 * The device authorization endpoint (RFC 8628 §3.1): a registered client (the CLI on a machine without a browser) gets
 * a device code to poll the token endpoint with, and a user code that a person enters at {@code /oauth2/device}.
 */
@Path("/oauth2/device_authorization")
@Tag(name = "OpenID Connect")
@PermitAll
public class DeviceAuthorizationResource {

    private final OAuthClients clients;
    private final DeviceCodes codes;
    private final String issuer;

    DeviceAuthorizationResource(OAuthClients clients, DeviceCodes codes, AuthConfig config) {
        this.clients = clients;
        this.codes = codes;
        this.issuer = Issuer.normalize(config.issuer());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a device sign-in (RFC 8628)", description = "Form: client_id (a registered client),"
            + " scope. Answers device_code, user_code, verification_uri, verification_uri_complete, expires_in,"
            + " interval; then poll the token endpoint with grant_type=" + DeviceCodeGrant.GRANT_TYPE + ".")
    public Response start(MultivaluedMap<String, String> form,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        String clientId = clients.authenticate(ClientCredentials.from(form, authorization)).id();
        String scope = form.getFirst("scope") == null ? "" : form.getFirst("scope").strip();
        if (!Scopes.allSupported(scope)) {
            throw OAuthException.invalidRequest("Supported scopes are " + String.join(", ", Scopes.SUPPORTED) + ".");
        }
        DeviceCodes.Issued issued = codes.issue(clientId, scope);
        String verification = issuer + DeviceVerificationResource.PATH;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("device_code", issued.deviceCode());
        body.put("user_code", issued.userCode());
        body.put("verification_uri", verification);
        body.put("verification_uri_complete", verification + "?user_code=" + issued.userCode());
        body.put("expires_in", issued.expiresIn().toSeconds());
        body.put("interval", issued.interval().toSeconds());
        return Response.ok(body).header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }
}
