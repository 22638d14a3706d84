package dev.strata.security.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a worker (ingest, notifier) uses a namespace's connections and secrets: it asks the auth service, as its own
 * service account ({@link ServiceAccountToken}; only the accounts in auth's {@code strata.secrets.resolvers} may), to
 * resolve one by name, and keeps the answer in memory for one use. Values never go into a log line or an exception
 * message; a refusal carries the auth service's problem detail, which never holds one either.
 */
public final class ConnectionClient {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI authBase;
    private final ServiceAccountToken token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param authBase the auth service's base URL ({@code strata.services.auth.url})
     * @param token    the worker's service account
     */
    public ConnectionClient(URI authBase, ServiceAccountToken token, Duration timeout) {
        this.authBase = URI.create(authBase.toString().replaceAll("/+$", "") + "/");
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** Thrown when a connection or secret cannot be had; {@link #retryable()} when the auth service is unreachable. */
    public static final class ResolveException extends RuntimeException {
        private final int status;

        public ResolveException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        /** The auth service's HTTP status, or -1 when it did not answer. */
        public int status() {
            return status;
        }

        /** Whether trying later may help (the auth service was unreachable or failed). */
        public boolean retryable() {
            return status < 0 || status >= 500 || status == 429;
        }
    }

    /** The connection {@code name} of {@code namespace}, with its secrets' values and the allowed hosts. */
    public ResolvedConnection connection(String namespace, String name, String purpose) {
        JsonNode body = post("api/v1/internal/namespaces/" + encode(namespace) + "/connections/" + encode(name)
                + "/resolve", purpose, "connection '" + name + "' of namespace '" + namespace + "'");
        try {
            return JSON.treeToValue(body, ResolvedConnection.class);
        } catch (IOException e) {
            throw new ResolveException(-1, "the auth service answered an unreadable connection '" + name + "'");
        }
    }

    /** The value of the secret {@code name} of {@code namespace}. */
    public String secret(String namespace, String name, String purpose) {
        return post("api/v1/internal/namespaces/" + encode(namespace) + "/secrets/" + encode(name) + "/resolve",
                purpose, "secret '" + name + "' of namespace '" + namespace + "'").path("value").asText();
    }

    /** The namespace's allowed private hosts (what a viewer of it may read). */
    public List<String> allowedHosts(String namespace) {
        JsonNode body = send(HttpRequest.newBuilder(authBase.resolve("api/v1/namespaces/" + encode(namespace)
                + "/settings/allowed-hosts")).GET(), "the allowed hosts of namespace '" + namespace + "'");
        return JSON.convertValue(body.path("hosts"), JSON.getTypeFactory().constructCollectionType(List.class,
                String.class));
    }

    private JsonNode post(String path, String purpose, String what) {
        URI uri = authBase.resolve(path + "?purpose=" + encode(purpose == null ? "" : purpose));
        return send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.noBody()), what);
    }

    private JsonNode send(HttpRequest.Builder builder, String what) {
        try {
            HttpResponse<String> response = null;
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpRequest request = builder.copy().timeout(timeout).header("Accept", "application/json")
                        .header("Authorization", "Bearer " + token.get()).build();
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 401) {
                    break;
                }
                token.invalidate();
            }
            JsonNode body = read(response.body());
            if (response.statusCode() == 200) {
                return body;
            }
            String detail = body.path("detail").asText("");
            throw new ResolveException(response.statusCode(), "the auth service refused " + what + " (HTTP "
                    + response.statusCode() + (detail.isEmpty() ? "" : ": " + detail) + ")");
        } catch (IOException e) {
            throw new ResolveException(-1, "the auth service did not answer for " + what + ": "
                    + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResolveException(-1, "interrupted while resolving " + what);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** For tests and logs: what the client knows, without any value. */
    @Override
    public String toString() {
        return "ConnectionClient[" + authBase + ", " + token.clientId() + "]";
    }

}
