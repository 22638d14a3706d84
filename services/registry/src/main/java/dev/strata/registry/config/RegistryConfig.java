package dev.strata.registry.config;

import java.time.Duration;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the registry service, under {@code strata.registry.*} (env: {@code STRATA_REGISTRY_*}). */
@ConfigMapping(prefix = "strata.registry")
public interface RegistryConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /** The bucket of the raw lake, where uploads land. */
    String lakeBucket();

    /** The Kafka consumer group that reads dataset events. */
    String consumerGroup();

    Preview preview();

    Upload upload();

    Sql sql();

    interface Preview {
        /** Rows a preview shows when the caller names no limit. */
        int defaultLimit();

        /** The largest limit a caller may ask for. */
        int maxLimit();
    }

    interface Upload {
        /** Size of each S3 multipart part: the most memory one upload holds. */
        MemorySize partSize();

        /** The largest file accepted. */
        MemorySize maxSize();
    }

    /** The SQL workspace: analysts' queries, run as the namespace's read-only role. */
    interface Sql {
        /** A query (or export) is stopped by Postgres after this long ({@code statement_timeout}). */
        @WithDefault("30s")
        Duration statementTimeout();

        /** An export (no row cap) is stopped by Postgres after this long. */
        @WithDefault("10m")
        Duration exportTimeout();

        /** A query's transaction is ended by Postgres when idle this long ({@code idle_in_transaction_session_timeout}). */
        @WithDefault("60s")
        Duration idleTimeout();

        /** Postgres {@code work_mem} of a query: memory per sort or hash before it spills to disk. */
        @WithDefault("16MB")
        String workMem();

        /** Rows a query answers when the caller names no {@code maxRows}. */
        @WithDefault("1000")
        int defaultMaxRows();

        /** The largest {@code maxRows} a caller may ask for (an export has no row cap). */
        @WithDefault("10000")
        int maxRows();

        Pool pool();
    }

    /**
     * The reader connections of the SQL workspace: one small pool per namespace, logged in as that namespace's
     * read-only role, never shared between namespaces.
     */
    interface Pool {
        /** Connections per namespace at most: its queries and exports running at once. */
        @WithDefault("4")
        int maxSize();

        /** An idle connection is closed after this long (at least 10 s); a namespace nobody queries holds none. */
        @WithDefault("60s")
        Duration idleTimeout();

        /** A query waits this long for a free connection of its namespace, then is answered 503. */
        @WithDefault("5s")
        Duration acquireTimeout();

        /** A connection is replaced after this long (never while a query uses it). */
        @WithDefault("30m")
        Duration maxLifetime();
    }
}
