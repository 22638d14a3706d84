package dev.strata.gateway.openapi;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The merged API description ({@code strata.gateway.openapi.*}, env {@code STRATA_GATEWAY_OPENAPI_*}). */
@ConfigMapping(prefix = "strata.gateway.openapi")
public interface OpenApiConfig {

    /** How long a merged description is served before the services' descriptions are fetched again. */
    @WithDefault("5m")
    Duration ttl();

    /** How long a merged description that misses a service (down, slow, broken) is served before trying again. */
    @WithDefault("15s")
    Duration retry();

    /** How long one service may take to answer its {@code /q/openapi}. */
    @WithDefault("5s")
    Duration timeout();

    /** The largest description taken from one service, in bytes; a larger one is reported, not merged. */
    @WithDefault("8388608")
    int maxBytes();
}
