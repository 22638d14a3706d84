package dev.strata.transform.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the transform service, under {@code strata.transform.*} (env: {@code STRATA_TRANSFORM_*}). */
@ConfigMapping(prefix = "strata.transform")
public interface TransformConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The bucket where model project versions are stored. */
    String projectsBucket();
}
