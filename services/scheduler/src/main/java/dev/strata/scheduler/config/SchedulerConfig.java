package dev.strata.scheduler.config;

import io.smallrye.config.ConfigMapping;

/** Settings of the scheduler service, under {@code strata.scheduler.*} (env: {@code STRATA_SCHEDULER_*}). */
@ConfigMapping(prefix = "strata.scheduler")
public interface SchedulerConfig {

    /** The service's own schema in the metadata database. */
    String schema();
}
