package dev.strata.registry.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Questions to the auth service ({@code strata.services.auth.url}) asked with the caller's own bearer token, so auth
 * answers exactly what this caller may know. Answers are read up to {@value #MAX_BODY_BYTES} bytes; the token never
 * goes into a log line or an exception message.
 */
@ApplicationScoped
public class AuthClient {

    static final int MAX_BODY_BYTES = 16 * 1024;
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    /** Auth's status and body (at most {@value #MAX_BODY_BYTES} bytes). */
    public record Answer(int status, String body) {
    }

    /** Auth could not be asked or did not answer; {@link #getMessage()} says why, without any token. */
    public static final class Unavailable extends Exception {
        Unavailable(String why) {
            super(why, null, false, false);
        }
    }

    private final Optional<String> authUrl;
    private final SecurityIdentity identity;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public AuthClient(@ConfigProperty(name = "strata.services.auth.url") Optional<String> authUrl,
            SecurityIdentity identity) {
        this.authUrl = authUrl;
        this.identity = identity;
    }

    /** {@code GET <auth>/<path>} as the caller; {@code path} starts with {@code /} and has its parts encoded. */
    public Answer get(String path) throws Unavailable {
        if (authUrl.isEmpty()) {
            throw new Unavailable("the registry cannot ask the auth service (strata.services.auth.url is not set)");
        }
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getRawToken() == null) {
            throw new Unavailable("the request carries no bearer token to ask the auth service with");
        }
        URI uri = URI.create(authUrl.get().replaceAll("/+$", "") + path);
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .header("Accept", "application/json").header("Authorization", "Bearer " + jwt.getRawToken())
                    .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                return new Answer(response.statusCode(),
                        new String(body.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new Unavailable("the auth service did not answer (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the auth service");
        }
    }

    /** One path segment, percent-encoded. */
    public static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
