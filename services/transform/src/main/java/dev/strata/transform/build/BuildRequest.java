package dev.strata.transform.build;

import java.util.Map;

/**
 * Asks for a build.
 *
 * @param version     the project version number; {@code null}: the newest
 * @param select      dbt selection, e.g. {@code +orders_daily tag:nightly}; empty: everything
 * @param exclude     models to leave out
 * @param vars        project variables for this build
 * @param fullRefresh rebuild incremental models from scratch
 */
public record BuildRequest(Integer version, String select, String exclude, Map<String, Object> vars,
        Boolean fullRefresh) {
}
