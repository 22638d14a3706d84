package dev.strata.gateway;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Every metric the gateway defines, in one place ({@code strata_gateway_<noun>_<unit>} in Prometheus). Request counts
 * and latencies per route come from the HTTP server metrics ({@code http_server_requests_seconds}).
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter rateLimitUnavailable;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.rateLimitUnavailable = Counter.builder("strata.gateway.rate.limit.unavailable")
                .description("Requests let through because Redis did not answer the rate-limit check (fail open)")
                .register(registry);
    }

    /** {@code strata_gateway_rate_limited_requests_total{bucket}}: requests refused with 429. */
    public void rateLimited(String bucket) {
        Counter.builder("strata.gateway.rate.limited.requests").description("Requests refused with 429")
                .tag("bucket", bucket).register(registry).increment();
    }

    /** {@code strata_gateway_rate_limit_unavailable_total}. */
    public void rateLimitUnavailable() {
        rateLimitUnavailable.increment();
    }

    /** {@code strata_gateway_upstream_failures_total{service,reason}}: requests a service did not answer. */
    public void upstreamFailure(String service, String reason) {
        Counter.builder("strata.gateway.upstream.failures").description("Requests a service did not answer")
                .tag("service", service).tag("reason", reason).register(registry).increment();
    }

    /** {@code strata_gateway_api_token_exchanges_total{outcome}}: exchanges of personal API tokens at the issuer. */
    public void apiTokenExchange(String outcome) {
        Counter.builder("strata.gateway.api.token.exchanges")
                .description("Personal API tokens exchanged at the issuer for a JWT").tag("outcome", outcome)
                .register(registry).increment();
    }
}
