package dev.strata.notifier.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the notifier service, under {@code strata.notifier.*} (env: {@code STRATA_NOTIFIER_*}). */
@ConfigMapping(prefix = "strata.notifier")
public interface NotifierConfig {

    /** The service's own schema in the metadata database. */
    String schema();

    /**
     * The gateway as users reach it (the launcher passes its URL, the chart the ingress host); links to runs are
     * {@code <public-base-url>/ui/namespaces/<ns>/runs/<run>}, the run's page in the web UI.
     */
    @WithDefault("http://127.0.0.1:8080")
    String publicBaseUrl();

    /**
     * Host names, addresses and CIDR ranges that channels may reach although they are internal (loopback, private,
     * link-local...): e.g. an SMTP relay on the cluster network. Everything else internal is refused.
     */
    Optional<List<String>> allowedHosts();

    Consumer consumer();

    Delivery delivery();

    /** The Kafka consumer of run and quality events. */
    interface Consumer {

        /** Whether this replica consumes events (replicas share the work through the consumer group). */
        @WithDefault("true")
        boolean enabled();

        /** The Kafka consumer group. */
        @WithDefault("strata-notifier")
        String group();
    }

    /** Sending, retries and the dead-letter state. */
    interface Delivery {

        /** Whether this replica sends due deliveries (replicas share them through FOR UPDATE SKIP LOCKED). */
        @WithDefault("true")
        boolean enabled();

        /** Attempts before a delivery is dead-lettered, unless its channel says otherwise. */
        @WithDefault("8")
        int maxAttempts();

        /** The wait after the first failed attempt; it doubles after each further one. */
        @WithDefault("10s")
        Duration initialBackoff();

        /** The longest wait between two attempts. */
        @WithDefault("30m")
        Duration maxBackoff();

        /** How long one send may take (connect, answer, SMTP dialogue). */
        @WithDefault("10s")
        Duration timeout();

        /** Deliveries sent at the same time by one replica. */
        @WithDefault("4")
        int concurrency();

        /** The longest an idle sender waits before looking for due retries (new deliveries wake it at once). */
        @WithDefault("1s")
        Duration pollInterval();
    }

    /**
     * The service account the notifier resolves namespaces' secrets as (client_credentials at the auth service, at
     * {@code strata.services.auth.url}); without it only the operator's {@code strata.secrets.<name>} apply.
     */
    ServiceAccount serviceAccount();

    interface ServiceAccount {
        /** Its client id, e.g. {@code sa-notifier}. */
        Optional<String> clientId();

        /** Its secret (STRATA_NOTIFIER_SERVICE_ACCOUNT_CLIENT_SECRET, from a Secret). Never logged. */
        Optional<String> clientSecret();
    }
}
