package dev.strata.auth.oidc;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** OAuth errors as JSON ({@code error}, {@code error_description}), never cached. */
public class OAuthErrorMapper {

    @ServerExceptionMapper
    public Response map(OAuthException e) {
        Response.ResponseBuilder response = Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(e.body()).header("Cache-Control", "no-store").header("Pragma", "no-cache");
        if (e.status() == 401) {
            response.header("WWW-Authenticate", "Basic realm=\"strata\"");
        }
        return response.build();
    }
}
