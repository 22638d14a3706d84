package dev.strata.registry.dataset;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

import dev.strata.web.Problem;
import dev.strata.web.ProblemException;

/**
 * Whether the connection a load spec names ({@code source.connection}) exists in the dataset's namespace, asked at the
 * auth service with the caller's own token ({@code GET /api/v1/namespaces/{ns}/connections/{name}}: kind and settings,
 * never a secret's value; the caller is an engineer of the namespace, so a viewer's read is allowed). A missing one is
 * a 422 naming the field; auth not answering is a 503.
 */
@ApplicationScoped
public class ConnectionNames {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Optional<String> authUrl;
    private final SecurityIdentity identity;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    ConnectionNames(@ConfigProperty(name = "strata.services.auth.url") Optional<String> authUrl,
            SecurityIdentity identity) {
        this.authUrl = authUrl;
        this.identity = identity;
    }

    /** Refuses the request unless the namespace has the connection (nothing to check without one). */
    public void requireExisting(String namespace, String connection) {
        if (connection == null) {
            return;
        }
        if (authUrl.isEmpty() || !(identity.getPrincipal() instanceof JsonWebToken jwt)
                || jwt.getRawToken() == null) {
            throw unavailable("the registry cannot ask the auth service (strata.services.auth.url is not set)");
        }
        URI uri = URI.create(authUrl.get().replaceAll("/+$", "") + "/api/v1/namespaces/" + enc(namespace)
                + "/connections/" + enc(connection));
        int status;
        try {
            status = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json")
                    .header("Authorization", "Bearer " + jwt.getRawToken()).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw unavailable("the auth service did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("interrupted while asking the auth service");
        }
        if (status == 404) {
            throw new ProblemException(new Problem(Problem.TYPE_PREFIX + "unresolved-reference",
                    "Unprocessable Content", 422, "source.connection: there is no connection '" + connection
                            + "' in namespace '" + namespace + "': create it first (PUT /api/v1/namespaces/"
                            + namespace + "/connections/" + connection + " at auth)"));
        }
        if (status != 200) {
            throw unavailable("the auth service answered " + status);
        }
    }

    private static ProblemException unavailable(String why) {
        return new ProblemException(Status.SERVICE_UNAVAILABLE, "dependency-unavailable", "source.connection cannot "
                + "be checked now: " + why + ". Retry in a moment.");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
