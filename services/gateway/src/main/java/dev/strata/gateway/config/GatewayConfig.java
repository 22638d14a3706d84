package dev.strata.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the gateway service, under {@code strata.gateway.*} (env: {@code STRATA_GATEWAY_*}). */
@ConfigMapping(prefix = "strata.gateway")
public interface GatewayConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The largest request body the gateway forwards (uploads included); bigger ones answer 413. */
    @WithDefault("10G")
    MemorySize maxBodySize();

    /**
     * Whether {@code X-Forwarded-For/Proto/Host} from the caller are believed: true only behind a load balancer or
     * ingress that sets them (otherwise a client could pick its own rate-limit bucket).
     */
    @WithDefault("false")
    boolean trustForwarded();

    /** Keep-alive connections per upstream service. */
    @WithDefault("64")
    int poolSize();

    /** How long to wait for a connection to an upstream service. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** How long an upstream may stay silent (no response bytes) before the request fails with 504. */
    @WithDefault("60s")
    Duration upstreamTimeout();

    /** How long the JWT obtained for a personal API token is reused (bounds how late a revocation takes effect). */
    @WithDefault("30s")
    Duration apiTokenCache();

    /** OAuth client id of the gateway at the issuer (browser login and API-token exchange). */
    @WithDefault("gateway")
    String clientId();

    /** Whether the gateway's cookies carry {@code Secure} (turn off only for plain-http access other than localhost). */
    @WithDefault("true")
    boolean secureCookies();

    /**
     * Origins other than the gateway's own that may call it from a browser (CORS, with credentials) and that pass the
     * CSRF origin check. Empty: none.
     */
    Optional<List<String>> corsOrigins();

    /** The {@code Content-Security-Policy} of every response. */
    @WithDefault("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'")
    String contentSecurityPolicy();

    RateLimit rateLimit();

    /** Token buckets in Redis; each request takes one token from every bucket that applies. */
    interface RateLimit {

        /** Off: no bucket is checked (benchmarks, or an ingress that limits already). */
        @WithDefault("true")
        boolean enabled();

        /** Per client address. */
        Bucket perIp();

        /** Per principal (the bearer token's subject, the API token, or the browser session). */
        Bucket perPrincipal();

        /** Per client address, for login attempts ({@code POST /oauth2/authorize}, {@code POST /oauth2/token}). */
        Bucket login();

        /** How long to wait for Redis before letting the request through (fail open). */
        @WithDefault("250ms")
        Duration redisTimeout();
    }

    /** A bucket of {@code capacity} tokens refilled at {@code refill-per-second}. */
    interface Bucket {

        long capacity();

        double refillPerSecond();
    }
}
