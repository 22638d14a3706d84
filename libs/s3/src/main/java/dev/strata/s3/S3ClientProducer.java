package dev.strata.s3;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.minio.MinioClient;

/** One pooled S3 client per service, closed on shutdown. */
@ApplicationScoped
public class S3ClientProducer {

    @Produces
    @Singleton
    MinioClient client(S3Config config) {
        MinioClient client = MinioClient.builder()
                .endpoint(config.endpoint())
                .region(config.region())
                .credentials(config.accessKey(), config.secretKey())
                .build();
        // fail fast: readiness must answer quickly when S3 is away
        client.setTimeout(2_000, 30_000, 30_000);
        return client;
    }

    void close(@Disposes MinioClient client) throws Exception {
        client.close();
    }
}
