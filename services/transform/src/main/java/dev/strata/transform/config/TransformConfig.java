package dev.strata.transform.config;

import java.time.Duration;
import java.util.Map;
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

    /** Schema (inside the build's namespace) of models and seeds that do not set {@code +schema}. */
    @WithDefault("silver")
    String defaultSchema();

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

    /** Bounds on a pushed project archive, checked while it is unpacked. */
    ProjectLimits projectLimits();

    /** Bounds on compiling a project (Jinja). */
    Compile compile();

    /**
     * What dbt's {@code env_var('X')} reads in a project's templates: {@code strata.transform.env.X} (env
     * {@code STRATA_TRANSFORM_ENV_X}); a name without a value and without a default is refused at push.
     */
    Map<String, String> env();

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

    interface ProjectLimits {
        /** Entries (files and folders, also the ones that are not project files) an archive may hold. */
        @WithDefault("20000")
        int maxEntries();

        /** Unpacked bytes of one entry (10 MB). */
        @WithDefault("10485760")
        long maxFileBytes();

        /** Unpacked bytes of all entries together (100 MB). */
        @WithDefault("104857600")
        long maxTotalBytes();

        /** Characters of an entry's path. */
        @WithDefault("512")
        int maxPathLength();

        /** Folders an entry's path goes down. */
        @WithDefault("32")
        int maxPathDepth();
    }

    interface Compile {
        /** Wall-clock time compiling one project may take (a push, a build, an incremental model's variant). */
        @WithDefault("30s")
        Duration budget();

        /** How deep a macro may call itself (directly or through others). */
        @WithDefault("20")
        int maxMacroDepth();

        /** Bytes one rendered model, test or macro call may produce (10 MB). */
        @WithDefault("10485760")
        long maxRenderedBytes();
    }

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
