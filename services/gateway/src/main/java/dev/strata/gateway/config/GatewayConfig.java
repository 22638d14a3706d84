package dev.strata.gateway.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the gateway service, under {@code strata.gateway.*} (env: {@code STRATA_GATEWAY_*}). */
@ConfigMapping(prefix = "strata.gateway")
public interface GatewayConfig {

    /** The service's own schema in the metadata database. */
    String schema();
}
