package dev.strata.s3;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when S3 answers and every configured bucket exists. */
@Readiness
@ApplicationScoped
public class S3ReadinessCheck implements HealthCheck {

    private final S3Buckets buckets;
    private final S3Config config;

    S3ReadinessCheck(S3Buckets buckets, S3Config config) {
        this.buckets = buckets;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("S3 lake").withData("endpoint", config.endpoint())
                .withData("buckets", String.join(",", buckets.names()));
        try {
            buckets.ensure();
            return response.up().build();
        } catch (Exception e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return response.down().withData("error", reason.lines().findFirst().orElse(reason)).build();
        }
    }
}
