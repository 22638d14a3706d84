package dev.strata.registry.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;

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
}
