package dev.strata.gateway.token;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import dev.strata.gateway.GatewayMetrics;
import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.config.ServicesConfig;
import dev.strata.gateway.problem.Problem;
import dev.strata.gateway.problem.ProblemException;

/**
 * Exchanges a personal API token ({@code strata_pat_...}) at the issuer's token endpoint for a short-lived JWT
 * (RFC 8693 token exchange, ADR 0003) and keeps the JWT for at most {@code strata.gateway.api-token-cache}, keyed by
 * the SHA-256 of the API token, so that a revocation takes effect within that time. Concurrent requests with the same
 * token share one exchange. Neither token is ever logged.
 */
@ApplicationScoped
public class ApiTokenExchange {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";
    public static final String SUBJECT_TOKEN_TYPE = "urn:strata:params:oauth:token-type:api-token";
    public static final String REQUESTED_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    private static final Logger LOG = Logger.getLogger(ApiTokenExchange.class);
    private static final int SWEEP_ABOVE = 10_000;
    /** A JWT is not reused during the last seconds of its life. */
    private static final long EXPIRY_MARGIN_NANOS = Duration.ofSeconds(10).toNanos();

    private final Map<String, Entry> cache = new ConcurrentHashMap<>();
    private final HttpClient client;
    private final URI tokenEndpoint;
    private final String clientId;
    private final Optional<String> clientSecret;
    private final long cacheNanos;
    private final GatewayMetrics metrics;

    ApiTokenExchange(Vertx vertx, GatewayConfig config, ServicesConfig services, GatewayMetrics metrics,
            @ConfigProperty(name = "strata.auth.issuer") Optional<URI> issuer,
            @ConfigProperty(name = "quarkus.oidc.credentials.secret") Optional<String> clientSecret) {
        // the gateway reaches auth directly when it knows where it runs, else through the issuer's public URL
        Optional<URI> base = services.auth().url().or(() -> issuer);
        this.tokenEndpoint = base.map(b -> URI.create(strip(b.toString()) + "/oauth2/token")).orElse(null);
        this.clientId = config.clientId();
        this.clientSecret = clientSecret.filter(s -> !s.isBlank());
        this.cacheNanos = config.apiTokenCache().toNanos();
        this.metrics = metrics;
        this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setKeepAlive(true)
                .setIdleTimeout(30).setName("strata-gateway-token-exchange"), new PoolOptions().setHttp1MaxSize(8));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The JWT to forward for {@code apiToken}; fails with a {@link ProblemException} (401 or 503). */
    public Future<String> jwtFor(String apiToken) {
        String key = Credentials.sha256(apiToken);
        long now = System.nanoTime();
        Promise<String> promise = Promise.promise();
        Entry mine = new Entry(promise.future(), now + cacheNanos);
        Entry current = cache.compute(key, (k, old) -> old != null && now - old.expiresAt < 0 ? old : mine);
        if (current != mine) {
            return current.jwt;
        }
        if (cache.size() > SWEEP_ABOVE) {
            cache.values().removeIf(e -> now - e.expiresAt >= 0);
        }
        exchange(apiToken).onComplete(ar -> {
            if (ar.succeeded()) {
                Issued issued = ar.result();
                long at = System.nanoTime();
                long lifetime = Math.min(cacheNanos, issued.expiresInNanos() - EXPIRY_MARGIN_NANOS);
                if (lifetime > 0) {
                    cache.replace(key, mine, new Entry(Future.succeededFuture(issued.jwt()), at + lifetime));
                } else {
                    cache.remove(key, mine);
                }
                metrics.apiTokenExchange("issued");
                promise.complete(issued.jwt());
            } else {
                cache.remove(key, mine);
                promise.fail(ar.cause());
            }
        });
        return promise.future();
    }

    private Future<Issued> exchange(String apiToken) {
        if (tokenEndpoint == null) {
            metrics.apiTokenExchange("unavailable");
            return Future.failedFuture(unavailable());
        }
        String form = "grant_type=" + encode(GRANT_TYPE) + "&subject_token=" + encode(apiToken)
                + "&subject_token_type=" + encode(SUBJECT_TOKEN_TYPE) + "&requested_token_type="
                + encode(REQUESTED_TOKEN_TYPE) + "&client_id=" + encode(clientId);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(tokenEndpoint.toString()).setIdleTimeout(10_000)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded")
                .putHeader(HttpHeaders.ACCEPT, "application/json");
        clientSecret.ifPresent(secret -> options.putHeader(HttpHeaders.AUTHORIZATION, "Basic " + Base64.getEncoder()
                .encodeToString((encode(clientId) + ":" + encode(secret)).getBytes(StandardCharsets.UTF_8))));
        return client.request(options)
                .compose(request -> request.send(Buffer.buffer(form)))
                .compose(response -> response.body().map(body -> parse(response.statusCode(), body)))
                .recover(e -> {
                    if (e instanceof ProblemException) {
                        return Future.failedFuture(e);
                    }
                    metrics.apiTokenExchange("unavailable");
                    LOG.warnf("The issuer's token endpoint %s did not answer an API-token exchange: %s", tokenEndpoint,
                            e.getMessage());
                    return Future.failedFuture(unavailable());
                });
    }

    private Issued parse(int status, Buffer body) {
        if (status == 400 || status == 401 || status == 403) {
            metrics.apiTokenExchange("rejected");
            throw new ProblemException(new Problem(Problem.INVALID_TOKEN, 401, "Unauthorized",
                    "The API token was not accepted: it is unknown, expired or revoked. Create a new one, or sign in."));
        }
        JsonObject json = null;
        try {
            json = status == 200 ? body.toJsonObject() : null;
        } catch (RuntimeException e) {
            // not JSON: handled below
        }
        String jwt = json == null ? null : json.getString("access_token");
        if (jwt == null || jwt.chars().filter(c -> c == '.').count() != 2) {
            metrics.apiTokenExchange("unavailable");
            LOG.warnf("The issuer's token endpoint %s answered an API-token exchange with status %d and no JWT",
                    tokenEndpoint, status);
            throw unavailable();
        }
        Number expiresIn = json.getNumber("expires_in");
        long seconds = expiresIn == null ? 60 : expiresIn.longValue();
        return new Issued(jwt, Duration.ofSeconds(seconds).toNanos());
    }

    private static ProblemException unavailable() {
        return new ProblemException(new Problem(503, "Service Unavailable",
                "The auth service could not check the API token right now; try again in a few seconds."));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String strip(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private record Entry(Future<String> jwt, long expiresAt) {
    }

    private record Issued(String jwt, long expiresInNanos) {

        @Override
        public String toString() {
            return "Issued[expiresInNanos=" + expiresInNanos + "]";
        }
    }
}
