package dev.strata.transform.build;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A build of (some models of) a project version, and what happened to each step.
 *
 * @param id          build id
 * @param namespace   the project's namespace
 * @param project     the project
 * @param versionId   the project version
 * @param selector    dbt-style selection; empty: everything
 * @param exclude     models removed from the selection
 * @param vars        variables for this build
 * @param fullRefresh incremental models rebuilt from scratch
 * @param status      queued, running, success (everything passed or warned), failed (something failed or was
 *                    skipped), error (the build could not run)
 * @param error       why, for failed and error
 * @param taskRunId   the scheduler's task run, when it came from Kafka
 * @param runId       the scheduler's pipeline run
 * @param attempt     the scheduler's attempt of the task run (from 1), told back in the task events; null when asked
 *                    over REST
 * @param requestedBy who asked for it
 * @param createdAt   queued at
 * @param startedAt   started at
 * @param finishedAt  finished at
 * @param nodes       models, seeds, tests and freshness checks, in the order they finished
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Build(UUID id, String namespace, String project, UUID versionId, String selector, String exclude,
        Map<String, Object> vars, boolean fullRefresh, String status, String error, UUID taskRunId, UUID runId,
        Integer attempt, String requestedBy, Instant createdAt, Instant startedAt, Instant finishedAt,
        List<NodeRun> nodes) {

    /** The attempt for task events: 0 (not given) when the build has none. */
    public int taskAttempt() {
        return attempt == null ? 0 : attempt;
    }

    /** One step: see {@link dev.strata.transform.run.NodeResult}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NodeRun(String node, String kind, String status, String relation, String materialized, Long rows,
            long durationMs, String compiledSql, String error, Instant startedAt) {
    }
}
