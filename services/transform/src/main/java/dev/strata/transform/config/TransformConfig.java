package dev.strata.transform.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the transform service, under {@code strata.transform.*} (env: {@code STRATA_TRANSFORM_*}). */
@ConfigMapping(prefix = "strata.transform")
public interface TransformConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The bucket where model project versions are stored. */
    String projectsBucket();

    /** Schema of models and seeds that do not set {@code +schema}. */
    @WithDefault("silver")
    String defaultSchema();

    /** The warehouse schemas models may write (created at start, granted to the runner role). */
    @WithDefault("raw,bronze,silver,gold,quarantine")
    List<String> warehouseSchemas();

    /** The restricted role model SQL runs as (created at start; LOGIN, member of nothing). */
    @WithDefault("strata_transform_runner")
    String runnerRole();

    /** Its password, when the warehouse asks for one (set from a secret); none with trust authentication. */
    Optional<String> runnerPassword();

    /** Models built at once within one build. */
    @WithDefault("4")
    int threads();

    /** Builds run at once by this replica. */
    @WithDefault("2")
    int concurrentBuilds();

    /** Failing rows of a test kept in the quarantine schema. */
    @WithDefault("100")
    int quarantineLimit();

    /** How often an idle worker looks for queued builds (a new build wakes it at once). */
    @WithDefault("2s")
    Duration pollInterval();

    /**
     * How long a running build's lease lasts: its worker renews it every third of this; a build without a heartbeat
     * for this long (its worker crashed) is claimed again.
     */
    @WithDefault("60s")
    Duration lease();

    /**
     * How often a running build of a scheduler task sends TaskHeartbeated; well inside the scheduler's
     * {@code strata.scheduler.heartbeat-timeout} (60 s), or the scheduler retries the task while it runs.
     */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /** Claims of one build at most: a build whose worker died this many times ends in error instead. */
    @WithDefault("3")
    int maxClaims();

    /** Largest accepted project archive. */
    @WithDefault("33554432")
    long maxArchiveBytes();

    /** Kafka consumer group of the task listener. */
    @WithDefault("strata-transform")
    String consumerGroup();

    /** Whether this replica consumes {@code strata.tasks.transform}. */
    @WithDefault("true")
    boolean consumeTasks();

    /** Lineage push to the registry. */
    Lineage lineage();

    /** OpenLineage run events of the models a build runs (Marquez, DataHub, OpenMetadata). */
    OpenLineage openlineage();

    /** The service account transform calls other services as (client_credentials at the auth service). */
    ServiceAccount serviceAccount();

    interface ServiceAccount {
        /** Its client id, e.g. {@code sa-transform}; no token (and no Authorization header) without it. */
        Optional<String> clientId();

        /** Its secret ({@code strata_sas_…}), from a Secret; never logged. */
        Optional<String> clientSecret();

        /**
         * The token endpoint; default {@code <strata.services.auth.url or strata.auth.issuer>/oauth2/token}.
         */
        Optional<String> tokenUrl();
    }

    interface Lineage {
        /** Base URL of the registry, e.g. {@code http://registry:8080}; no push without it. */
        Optional<String> registryUrl();

        /** Timeout of one push. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface OpenLineage {
        /** Where run events are POSTed, e.g. {@code http://marquez:5000/api/v1/lineage}; none sent without it. */
        Optional<String> url();

        /**
         * The prefix of the jobs' OpenLineage namespaces: the jobs ({@code <project>.<model>}) of a Strata namespace
         * are in {@code <prefix>/<strata namespace>}, e.g. {@code strata/sales}.
         */
        @WithDefault("strata")
        String namespace();

        /** The OpenLineage namespace of the warehouse's datasets ({@code <schema>.<table>}). */
        @WithDefault("postgres://warehouse")
        String datasetNamespace();

        /** Timeout of one POST (connect and answer). */
        @WithDefault("3s")
        Duration timeout();
    }
}
