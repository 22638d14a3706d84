package dev.strata.auth.oidc;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import dev.strata.auth.security.AccessTokenVerifier;

/**
 * OIDC RP-initiated logout: the {@code id_token_hint} names the sign-in ({@code sid}), whose refresh-token family is
 * revoked; the browser then goes to {@code post_logout_redirect_uri} if the client registered it, otherwise it sees
 * a "signed out" page. Prefer POST: a GET puts the ID token in access logs.
 */
@Path("/oauth2/logout")
@Tag(name = "OpenID Connect")
@PermitAll
public class LogoutResource {

    private final AccessTokenVerifier verifier;
    private final OAuthClients clients;
    private final Revocations revocations;
    private final HtmlPages pages;

    LogoutResource(AccessTokenVerifier verifier, OAuthClients clients, Revocations revocations, HtmlPages pages) {
        this.verifier = verifier;
        this.clients = clients;
        this.revocations = revocations;
        this.pages = pages;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Sign out (id_token_hint, post_logout_redirect_uri, state, client_id)")
    public Response logout(@Context UriInfo uri) {
        return handle(uri.getQueryParameters());
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Sign out (form: id_token_hint, post_logout_redirect_uri, state, client_id)")
    public Response logoutByForm(MultivaluedMap<String, String> form) {
        return handle(form);
    }

    private Response handle(MultivaluedMap<String, String> params) {
        String hint;
        String redirect;
        String state;
        String clientId;
        try {
            hint = FormParams.optional(params, "id_token_hint");
            redirect = FormParams.optional(params, "post_logout_redirect_uri");
            state = FormParams.optional(params, "state");
            clientId = FormParams.optional(params, "client_id");
        } catch (OAuthException e) {
            return pages.message(400, "Invalid sign-out request", e.getMessage());
        }
        Optional<JwtClaims> claims = Optional.empty();
        if (hint != null) {
            claims = verifier.verifyIdTokenHint(hint);
            if (claims.isEmpty()) {
                return pages.message(400, "Invalid sign-out request", "The id_token_hint is not an ID token of this "
                        + "issuer.");
            }
            String audience = audience(claims.get());
            if (clientId != null && !clientId.equals(audience)) {
                return pages.message(400, "Invalid sign-out request", "client_id is not the audience of the "
                        + "id_token_hint.");
            }
            clientId = audience;
        }
        if (redirect != null) {
            Optional<PublicClient> client = clients.find(clientId);
            if (client.isEmpty() || !client.get().allowsPostLogoutRedirect(redirect)) {
                return pages.message(400, "Invalid sign-out request", "post_logout_redirect_uri is not registered "
                        + "for this application; nothing was sent to it.");
            }
        }
        claims.ifPresent(this::endSession);
        if (redirect == null) {
            return pages.message(200, "Signed out", "You are signed out of Strata.");
        }
        Map<String, String> query = new LinkedHashMap<>();
        if (state != null) {
            query.put("state", state);
        }
        return Response.status(Response.Status.FOUND).location(Redirects.withQuery(redirect, query))
                .header("Cache-Control", "no-store").build();
    }

    private void endSession(JwtClaims claims) {
        try {
            String sid = claims.getStringClaimValue("sid");
            if (sid != null) {
                revocations.endSession(UUID.fromString(sid), UUID.fromString(claims.getSubject()), audience(claims),
                        "logout");
            }
        } catch (MalformedClaimException | IllegalArgumentException e) {
            // an ID token of this issuer always has them; nothing to end otherwise
        }
    }

    private static String audience(JwtClaims claims) {
        try {
            List<String> audience = claims.getAudience();
            return audience.isEmpty() ? null : audience.get(0);
        } catch (MalformedClaimException e) {
            return null;
        }
    }
}
