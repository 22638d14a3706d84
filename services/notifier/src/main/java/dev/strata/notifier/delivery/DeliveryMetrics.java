package dev.strata.notifier.delivery;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The notifier's metrics, in one place:
 * <ul>
 * <li>{@code strata_notifier_deliveries_total{channel,status}}: attempts by channel type and outcome, status
 * {@code delivered}, {@code failed} (to be retried) or {@code dead_lettered} (the last attempt failed);</li>
 * <li>{@code strata_notifier_dead_letters}: deliveries in the dead-letter state now (a gauge read from the delivery
 * log).</li>
 * </ul>
 */
@Singleton
public class DeliveryMetrics {

    static final String DELIVERIES = "strata.notifier.deliveries";
    static final String DEAD_LETTERS = "strata.notifier.dead.letters";

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry, DeliveryRepository deliveries) {
        this.registry = registry;
        Gauge.builder(DEAD_LETTERS, deliveries, d -> {
            try {
                return d.deadLettered();
            } catch (RuntimeException e) {
                return Double.NaN; // the database is away: no number rather than a wrong one
            }
        }).description("Deliveries in the dead-letter state").register(registry);
    }

    public void attempt(String channelType, String status) {
        Counter.builder(DELIVERIES).description("Delivery attempts by channel type and outcome")
                .tag("channel", channelType).tag("status", status).register(registry).increment();
    }
}
