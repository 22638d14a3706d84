package dev.strata.notifier.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the notifier service, under {@code strata.notifier.*} (env: {@code STRATA_NOTIFIER_*}). */
@ConfigMapping(prefix = "strata.notifier")
public interface NotifierConfig {

    /** The service's own schema in the metadata database. */
    String schema();
}
