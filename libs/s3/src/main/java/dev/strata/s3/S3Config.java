package dev.strata.s3;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the lake lives: an S3-compatible endpoint and the buckets this service needs. */
@ConfigMapping(prefix = "strata.s3")
public interface S3Config {

    /** Endpoint URL, e.g. {@code http://127.0.0.1:9000} (MinIO, S3Proxy) or {@code https://s3.eu-west-1.amazonaws.com}. */
    String endpoint();

    @WithDefault("us-east-1")
    String region();

    /** Access key; production values come from a Kubernetes Secret through the environment. */
    String accessKey();

    String secretKey();

    /** Buckets this service uses: created at startup when missing, and checked by readiness. */
    Optional<List<String>> buckets();

    /** Whether missing buckets are created at startup (off where buckets are provisioned by the platform team). */
    @WithDefault("true")
    boolean createBuckets();
}
