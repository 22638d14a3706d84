package dev.strata.registry.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the registry service, under {@code strata.registry.*} (env: {@code STRATA_REGISTRY_*}). */
@ConfigMapping(prefix = "strata.registry")
public interface RegistryConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The bucket of the raw lake, where uploads land. */
    String lakeBucket();
}
