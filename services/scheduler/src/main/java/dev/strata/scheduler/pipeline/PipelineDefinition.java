package dev.strata.scheduler.pipeline;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A pipeline as written in YAML, validated. Immutable; a run pins the version it was started with.
 *
 * @param namespace     the namespace it belongs to
 * @param id            its id, unique in the namespace
 * @param description   free text
 * @param schedule      cron and timezone, or empty for a pipeline without schedule
 * @param catchUp       what to do with fires missed while no scheduler ran
 * @param triggers      data, manual and webhook triggers
 * @param params        default run parameters (a manual trigger may override them)
 * @param tasks         the tasks, in the order written
 * @param concurrency   how many runs may be active at once and what to do with one more
 * @param sla           the longest a run may take, empty for the scheduler's default watchdog limit
 * @param notifications who hears about failures, successes and SLA misses
 */
public record PipelineDefinition(String namespace, String id, String description, Optional<Schedule> schedule,
        CatchUp catchUp, List<Trigger> triggers, Map<String, String> params, List<Task> tasks,
        Concurrency concurrency, Optional<Duration> sla, List<Notification> notifications) {

    public record Schedule(String cron, ZoneId timezone) {
    }

    /** Missed fires: run none of them, only the latest, or all of them (up to the scheduler's cap). */
    public enum CatchUp {
        NONE, LATEST, ALL
    }

    public enum TriggerType {
        DATASET_UPDATED, MANUAL, WEBHOOK
    }

    /** @param dataset {@code namespace.name} for {@code dataset_updated}, otherwise null */
    public record Trigger(TriggerType type, String dataset) {
    }

    public enum TaskType {
        INGEST, TRANSFORM, NOTIFY, SQL, HTTP;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param retries   how many more attempts after a failed one (0: none)
     * @param backoff   wait before the first retry; doubled (times {@code factor}) for each next one
     * @param maxBackoff the longest wait between attempts
     * @param timeout   the longest one attempt may take, from its dispatch
     * @param inputs    type-specific settings, as written
     */
    public record Task(String id, TaskType type, List<String> dependsOn, int retries, Duration backoff,
            double factor, Duration maxBackoff, Duration timeout, JsonNode inputs) {

        public int maxAttempts() {
            return retries + 1;
        }

        /** The wait before attempt {@code nextAttempt} (2 for the first retry). */
        public Duration backoffBefore(int nextAttempt) {
            double millis = backoff.toMillis() * Math.pow(factor, Math.max(0, nextAttempt - 2));
            return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
        }
    }

    public enum ConcurrencyPolicy {
        QUEUE, SKIP, CANCEL_OLDEST
    }

    public record Concurrency(int limit, ConcurrencyPolicy policy) {
    }

    public enum NotifyOn {
        FAILURE, SUCCESS, SLA_MISS
    }

    public record Notification(List<NotifyOn> on, String channel) {
    }

    public Optional<Task> task(String taskId) {
        return tasks.stream().filter(t -> t.id().equals(taskId)).findFirst();
    }

    /** The tasks that list {@code taskId} in their {@code depends_on}. */
    public List<Task> downstreamOf(String taskId) {
        return tasks.stream().filter(t -> t.dependsOn().contains(taskId)).toList();
    }
}
