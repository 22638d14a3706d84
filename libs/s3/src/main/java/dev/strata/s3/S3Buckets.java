package dev.strata.s3;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.quarkus.runtime.StartupEvent;

/** Makes sure the configured buckets exist, at startup and whenever readiness asks. */
@ApplicationScoped
public class S3Buckets {

    private static final Logger LOG = Logger.getLogger(S3Buckets.class);

    private final MinioClient client;
    private final S3Config config;

    S3Buckets(MinioClient client, S3Config config) {
        this.client = client;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        try {
            ensure();
        } catch (Exception e) {
            // readiness reports it; the service still starts so that it recovers when S3 comes back
            LOG.warnf("S3 at %s is not usable yet: %s", config.endpoint(), e.getMessage());
        }
    }

    public List<String> names() {
        return config.buckets().orElse(List.of());
    }

    /** Creates missing buckets (if allowed) and fails with a plain message when one is missing or S3 is unreachable. */
    public void ensure() throws Exception {
        for (String bucket : names()) {
            if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                continue;
            }
            if (!config.createBuckets()) {
                throw new IllegalStateException("bucket '" + bucket + "' does not exist and strata.s3.create-buckets"
                        + " is false: create it or enable creation");
            }
            client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            LOG.infof("created bucket %s", bucket);
        }
    }
}
