package dev.strata.auth.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the auth service, under {@code strata.auth.*} (env: {@code STRATA_AUTH_*}). */
@ConfigMapping(prefix = "strata.auth")
public interface AuthConfig {

    /** The service's own schema in the metadata database. */
    String schema();
}
