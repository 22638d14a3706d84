package dev.strata.ingest.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the ingest service, under {@code strata.ingest.*} (env: {@code STRATA_INGEST_*}). */
@ConfigMapping(prefix = "strata.ingest")
public interface IngestConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The bucket of the raw lake: raw/<namespace>/<dataset>/<load id>/. */
    String lakeBucket();
}
