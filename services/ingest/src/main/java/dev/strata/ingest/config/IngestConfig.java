package dev.strata.ingest.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the ingest service, under {@code strata.ingest.*} (env: {@code STRATA_INGEST_*}). */
@ConfigMapping(prefix = "strata.ingest")
public interface IngestConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The bucket of the lake: raw copies under ns/<namespace>/raw/<dataset>/<load id>/. */
    String lakeBucket();

    /**
     * S3 locations outside the lake that an operator lets a namespace's loads read, by namespace:
     * {@code strata.ingest.external-locations."sales-eu"=s3://bucket/prefix/,...}. A load reads only its own namespace's
     * prefix of the lake bucket and these.
     */
    Map<String, List<String>> externalLocations();

    /** Buckets of the platform that no load may read, even if configured as an external location. */
    @WithDefault("strata-projects")
    List<String> internalBuckets();

    /** The warehouse schema loaded tables go to (the layer), inside the load's namespace: <namespace>__<layer>. */
    @WithDefault("raw")
    String targetSchema();

    /** Loads this replica runs at the same time. */
    @WithDefault("2")
    int workers();

    /** How often an idle worker looks for queued loads (a submitted load wakes it at once). */
    @WithDefault("1s")
    Duration pollInterval();

    /** How long a running load is owned without a heartbeat; then another worker takes it over. */
    @WithDefault("60s")
    Duration lease();

    /**
     * How often a running load of a scheduler task sends TaskHeartbeated; well inside the scheduler's
     * {@code strata.scheduler.heartbeat-timeout} (60 s), or the scheduler retries the task while it runs.
     */
    @WithDefault("15s")
    Duration heartbeatInterval();

    /** Times a load is started (its worker died) before it is failed. */
    @WithDefault("3")
    int maxTries();

    /** Where sources are copied while they load; the JVM's temporary directory when unset. */
    Optional<String> spoolDir();

    /** Records read to infer column types. */
    @WithDefault("1000")
    int sampleRows();

    /** The largest source a load accepts, in bytes. */
    @WithDefault("21474836480")
    long maxBytes();

    /**
     * The most bytes a compressed (gzip) source may unpack to, checked while it is read; past it the load fails and
     * loads nothing.
     */
    @WithDefault("21474836480")
    long maxDecompressedBytes();

    /**
     * The most bytes a compressed source may unpack to per compressed byte, checked once it has put out 1 MiB; past it
     * the load fails and loads nothing (a gzip bomb).
     */
    @WithDefault("100")
    int maxDecompressionRatio();

    /** The longest line (or JSON string) a load accepts, in characters. */
    @WithDefault("1048576")
    int maxLineLength();

    /** The most rows one load may quarantine. */
    @WithDefault("100000")
    long maxQuarantineRows();

    /** The longest a load may take. */
    @WithDefault("1h")
    Duration timeout();

    /** Private hosts, addresses or CIDR ranges sources may use anyway (e.g. 127.0.0.1/32 in tests). */
    Optional<List<String>> allowedHosts();

    /**
     * Secret values by name, for a source's credentialsRef (also read from the environment variable
     * STRATA_INGEST_SECRETS_<NAME>). Never logged.
     */
    Map<String, String> secrets();

    /** The Kafka consumer of load requests. */
    Consumer consumer();

    interface Consumer {
        /** Whether this replica takes load requests from strata.tasks.ingest. */
        @WithDefault("true")
        boolean enabled();

        /** The consumer group: more replicas, more throughput. */
        @WithDefault("strata-ingest")
        String group();
    }

    /**
     * The service account ingest resolves namespaces' connections and allowed hosts as (client_credentials at the auth
     * service, at {@code strata.services.auth.url}); without it only the operator's allowed hosts and secrets apply.
     */
    ServiceAccount serviceAccount();

    interface ServiceAccount {
        /** Its client id, e.g. {@code sa-ingest}. */
        Optional<String> clientId();

        /** Its secret (STRATA_INGEST_SERVICE_ACCOUNT_CLIENT_SECRET, from a Secret). Never logged. */
        Optional<String> clientSecret();
    }
}
