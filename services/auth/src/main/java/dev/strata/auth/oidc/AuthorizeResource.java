package dev.strata.auth.oidc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

import dev.strata.auth.config.AuthConfig;
import dev.strata.auth.token.Issuer;
import dev.strata.auth.user.LoginResult;
import dev.strata.auth.user.LoginService;

/**
 * The authorization endpoint: code flow with PKCE (S256 only). GET shows the sign-in form, POST checks the
 * credentials and sends the browser back to the client with a code. A bad client or redirect URI is shown on the
 * page and never redirected to; other errors go back to the client (RFC 6749 4.1.2.1).
 */
@Path("/oauth2/authorize")
@Tag(name = "OpenID Connect")
@PermitAll
public class AuthorizeResource {

    static final String BAD_CREDENTIALS = "The username or password is not correct.";
    static final String DISABLED = "This account is disabled. Ask an administrator.";

    private final OAuthClients clients;
    private final LoginService login;
    private final AuthorizationCodes codes;
    private final HtmlPages pages;
    private final String issuer;
    private final String lockedMessage;

    AuthorizeResource(OAuthClients clients, LoginService login, AuthorizationCodes codes, HtmlPages pages,
            AuthConfig config) {
        this.clients = clients;
        this.login = login;
        this.codes = codes;
        this.pages = pages;
        this.issuer = Issuer.normalize(config.issuer());
        this.lockedMessage = lockedMessage(config);
    }

    static String lockedMessage(AuthConfig config) {
        return "This account is locked after too many failed sign-ins. Try again in "
                + config.lockout().duration().toMinutes() + " minutes.";
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Sign-in page of the authorization code flow (PKCE S256 required)")
    public Response page(@Context UriInfo uri) {
        return withValidRequest(uri.getQueryParameters(), request -> pages.login(request, null, null));
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Sign in (form: the authorization request's parameters plus username and password)")
    public Response signIn(MultivaluedMap<String, String> form) {
        return withValidRequest(form, request -> {
            String username = form.getFirst("username");
            LoginResult result = login.authenticate(username, form.getFirst("password"), request.clientId());
            return switch (result.outcome()) {
                case SUCCESS -> {
                    String code = codes.issue(request, result.user());
                    yield redirect(request, Map.of("code", code));
                }
                case LOCKED -> pages.login(request, username, lockedMessage);
                case DISABLED -> pages.login(request, username, DISABLED);
                case INVALID -> pages.login(request, username, BAD_CREDENTIALS);
            };
        });
    }

    private Response withValidRequest(MultivaluedMap<String, String> params,
            Function<AuthorizationRequest, Response> then) {
        AuthorizationRequest request;
        try {
            request = AuthorizationRequest.from(params);
        } catch (OAuthException e) {
            return pages.message(400, "Invalid sign-in request", e.getMessage());
        }
        Optional<PublicClient> client = clients.find(request.clientId());
        if (client.isEmpty()) {
            return pages.message(400, "Unknown application",
                    "This sign-in request comes from an application this issuer does not know (client_id).");
        }
        if (!client.get().allowsRedirect(request.redirectUri())) {
            return pages.message(400, "Invalid redirect",
                    "The redirect_uri of this sign-in request is not registered for the application; nothing was "
                            + "sent to it.");
        }
        String problem = problemOf(request);
        if (problem != null) {
            String error = "code".equals(request.responseType()) ? "invalid_request" : "unsupported_response_type";
            return redirect(request, Map.of("error", error, "error_description", problem));
        }
        return then.apply(request);
    }

    private static String problemOf(AuthorizationRequest request) {
        if (!"code".equals(request.responseType())) {
            return "Only response_type=code is supported.";
        }
        if (request.codeChallenge() == null) {
            return "PKCE is required: send code_challenge and code_challenge_method=S256.";
        }
        if (!Pkce.S256.equals(request.codeChallengeMethod())) {
            return "Only code_challenge_method=S256 is supported.";
        }
        if (!Pkce.isValidChallenge(request.codeChallenge())) {
            return "code_challenge must be the base64url SHA-256 of the code verifier (43 characters).";
        }
        if (!Scopes.allSupported(request.scope())) {
            return "Supported scopes are " + String.join(", ", Scopes.SUPPORTED) + ".";
        }
        return null;
    }

    /** Back to the client's redirect URI with these parameters, the state and the issuer (RFC 9207). */
    private Response redirect(AuthorizationRequest request, Map<String, String> params) {
        Map<String, String> all = new LinkedHashMap<>(params);
        if (request.state() != null) {
            all.put("state", request.state());
        }
        all.put("iss", issuer);
        return Response.status(Response.Status.FOUND).location(Redirects.withQuery(request.redirectUri(), all))
                .header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer").build();
    }
}
