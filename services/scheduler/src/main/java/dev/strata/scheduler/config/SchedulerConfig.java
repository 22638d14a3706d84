package dev.strata.scheduler.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the scheduler service, under {@code strata.scheduler.*} (env: {@code STRATA_SCHEDULER_*}). */
@ConfigMapping(prefix = "strata.scheduler")
public interface SchedulerConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** A name for this replica in fire rows and logs; defaults to the host name. */
    Optional<String> instance();

    /** How often this replica looks for due cron fires. */
    @WithDefault("1s")
    Duration fireInterval();

    /** Whether this replica fires cron schedules (tests drive firing themselves). */
    @WithDefault("true")
    boolean firingEnabled();

    /** A fire this late is "missed" and handled by the pipeline's catch-up policy; earlier ones just run. */
    @WithDefault("60s")
    Duration misfireGrace();

    /** The most missed fires one catch-up runs (policy {@code all}); older ones are recorded as skipped. */
    @WithDefault("100")
    int maxCatchUp();

    /** How often the watchdog looks for due retries, timeouts, lost heartbeats and overdue runs. */
    @WithDefault("200ms")
    Duration watchdogInterval();

    /** A running task without a heartbeat (or start) for this long is lost: its attempt fails and is retried. */
    @WithDefault("60s")
    Duration heartbeatTimeout();

    /** A task attempt's timeout when the pipeline sets none. */
    @WithDefault("1h")
    Duration defaultTaskTimeout();

    /** The longest a run may stay running when its pipeline sets no SLA: the watchdog then times it out. */
    @WithDefault("24h")
    Duration maxRunDuration();

    /** Kafka consumer group of the task and dataset listeners. */
    @WithDefault("strata-scheduler")
    String consumerGroup();

    /**
     * When a poll brings only task starts, how long the listener waits for what follows them before it handles them: a
     * quick task's success usually does, and a start and success handled together cost one transaction instead of two
     * in a row (the second waiting for the first). Zero handles starts at once.
     */
    @WithDefault("3ms")
    Duration startLinger();

    /**
     * How often the listener commits its consumed offsets: at most once per interval, not after every poll (a commit
     * per hand-off would put a request of its own on the broker's path). Events after the last commit are read again
     * after a restart or rebalance and change nothing (see EventHandler).
     */
    @WithDefault("200ms")
    Duration commitInterval();

    /** Threads handling consumed events: one partition per thread at a time. */
    @WithDefault("3")
    int listenerThreads();

    /** Extra Kafka consumer properties of the listeners (e.g. {@code fetch.max.wait.ms}). */
    Map<String, String> consumer();

    /** Tasks run inside the scheduler (sql, http). */
    Local local();

    /** Task logs: what workers send on {@code strata.events.tasklog}, kept and served per task run. */
    Logs logs();

    interface Logs {
        /** How long log lines are kept; older ones are deleted. */
        @WithDefault("30d")
        Duration retention();

        /** How often lines past the retention are deleted. */
        @WithDefault("1h")
        Duration purgeInterval();

        /** How often a live stream (task logs, run events) looks for what is new. */
        @WithDefault("250ms")
        Duration streamPollInterval();

        /** A stream stays open this long after its task run or run ended, for the lines still on their way. */
        @WithDefault("2s")
        Duration streamEndGrace();

        /** The most live streams this replica serves at once; more are answered 503. */
        @WithDefault("200")
        int maxStreams();
    }

    interface Local {
        /** Threads running sql and http tasks. */
        @WithDefault("4")
        int threads();

        /** Let http tasks call every internal address (off: SSRF protection); same as allowing 0.0.0.0/0 and ::/0. */
        @WithDefault("false")
        boolean allowPrivateNetworks();

        /** Host names, addresses and CIDR ranges that http tasks may call although they are internal. */
        Optional<List<String>> allowedHosts();

        /**
         * The longest an sql task's statements may run: the task's own timeout, but never more than this (enforced by
         * Postgres' {@code statement_timeout} and by the driver cancelling the query).
         */
        @WithDefault("1h")
        Duration sqlTimeout();
    }

    /** What pipelines name in other services: checked when a pipeline is saved, datasets resolved at dispatch. */
    Catalog catalog();

    interface Catalog {
        /** The registry's base URL (default {@code strata.services.registry.url}). */
        Optional<String> registryUrl();

        /** The transform service's base URL (default {@code strata.services.transform.url}). */
        Optional<String> transformUrl();

        /** The notifier's base URL (default {@code strata.services.notifier.url}). */
        Optional<String> notifierUrl();

        /** The auth service's base URL, asked whether a connection exists (default {@code strata.services.auth.url}). */
        Optional<String> authUrl();

        /**
         * What is checked at save time: any of {@code datasets}, {@code projects}, {@code channels},
         * {@code connections}. A kind listed here whose service has no URL refuses the save with a 503 (never a silent
         * accept).
         */
        @WithDefault("datasets,projects,channels,connections")
        List<String> verify();

        /** The longest one call to another service may take. */
        @WithDefault("5s")
        Duration timeout();
    }

    /** The scheduler's own service account (client credentials at the auth service), for the calls above. */
    ServiceAccount serviceAccount();

    interface ServiceAccount {
        /** Its client id, e.g. {@code sa-scheduler}; without it the calls carry no token (and are refused). */
        Optional<String> clientId();

        /** Its secret (from a Kubernetes Secret: STRATA_SCHEDULER_SERVICE_ACCOUNT_CLIENT_SECRET). */
        Optional<String> clientSecret();

        /** The token endpoint; default {@code <strata.services.auth.url or strata.auth.issuer>/oauth2/token}. */
        Optional<String> tokenUrl();
    }
}
