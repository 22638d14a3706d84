package dev.strata.security.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A service's own access token, from the auth service with {@code client_credentials} (client id and secret by HTTP
 * Basic): transform pushing lineage to the registry, the scheduler asking the registry, transform and notifier whether
 * what a pipeline names exists. Kept until a minute before it expires, then asked for again; {@link #invalidate()}
 * drops it (the called service refused it, e.g. after a key rotation). Neither the secret nor a token is ever logged or
 * put in an exception message. Self-contained: the JDK's HTTP client and Jackson.
 */
public final class ServiceAccountToken {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration EARLY = Duration.ofSeconds(60);

    private final URI tokenEndpoint;
    private final String clientId;
    private final String clientSecret;
    private final Duration timeout;
    private final HttpClient http;
    private final Clock clock;
    private String token;
    private Instant renewAt = Instant.MIN;

    public ServiceAccountToken(URI tokenEndpoint, String clientId, String clientSecret, Duration timeout) {
        this(tokenEndpoint, clientId, clientSecret, timeout, HttpClient.newHttpClient(), Clock.systemUTC());
    }

    ServiceAccountToken(URI tokenEndpoint, String clientId, String clientSecret, Duration timeout, HttpClient http,
            Clock clock) {
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.timeout = timeout;
        this.http = http;
        this.clock = clock;
    }

    /**
     * The token of a service's configured account ({@code <prefix>.client-id}, {@code .client-secret},
     * {@code .token-url}), or null when no client id is configured (the service then calls without a token).
     *
     * @param authBase the auth service's base URL, for the default token endpoint {@code <authBase>/oauth2/token}
     * @throws IllegalStateException when the client id is set but the secret or any token endpoint is not: the
     *                               service does not start
     */
    public static ServiceAccountToken configured(String prefix, Optional<String> clientId,
            Optional<String> clientSecret, Optional<String> tokenUrl, Optional<String> authBase, Duration timeout) {
        if (clientId.isEmpty()) {
            return null;
        }
        if (clientSecret.isEmpty()) {
            throw new IllegalStateException(prefix + ".client-id is set but its client-secret is not ("
                    + prefix.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_')
                    + "_CLIENT_SECRET, from a Secret)");
        }
        String url = tokenUrl.or(() -> authBase.map(b -> b.replaceAll("/+$", "") + "/oauth2/token"))
                .orElseThrow(() -> new IllegalStateException(prefix + ".client-id is set but there is no token "
                        + "endpoint: set " + prefix + ".token-url or strata.auth.issuer"));
        return new ServiceAccountToken(URI.create(url), clientId.get(), clientSecret.get(), timeout);
    }

    public String clientId() {
        return clientId;
    }

    /** A valid access token, fetched when there is none or it is about to expire. */
    public synchronized String get() throws IOException, InterruptedException {
        if (token != null && clock.instant().isBefore(renewAt)) {
            return token;
        }
        String basic = Base64.getEncoder().encodeToString((URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(tokenEndpoint).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials")).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (response.statusCode() != 200 || !body.path("access_token").isTextual()) {
            // the OAuth error code and description only: the answer never carries the secret
            throw new IOException("the auth service refused the service account '" + clientId + "' ("
                    + response.statusCode() + " " + body.path("error").asText("") + ": "
                    + body.path("error_description").asText("no description") + ")");
        }
        token = body.path("access_token").asText();
        long expiresIn = body.path("expires_in").asLong(300);
        renewAt = clock.instant().plusSeconds(expiresIn - Math.min(EARLY.toSeconds(), expiresIn / 2));
        return token;
    }

    /** Forgets the token: the next {@link #get()} asks the auth service again. */
    public synchronized void invalidate() {
        token = null;
        renewAt = Instant.MIN;
    }
}
