package dev.strata.outbox.quarkus;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.events.Topics;
import dev.strata.outbox.TopicBootstrap;

/**
 * Readiness of the service's PostgreSQL and Kafka, answered at once from the last known state: each is probed in the
 * background every {@code strata.readiness.interval} (a connection that answers {@code isValid}; a cluster
 * description), each on a thread of its own, so a probe that hangs (a paused broker, a database behind a dead network)
 * holds up nothing. A dependency whose probe has not answered for longer than interval + timeout is down. So a
 * Kubernetes probe sees 503 within milliseconds during an outage, instead of timing out on a check that blocks.
 * Replaces Quarkus' own Kafka and datasource checks ({@code quarkus.kafka.health.enabled=false},
 * {@code quarkus.datasource.health.enabled=false}).
 */
@ApplicationScoped
public class DependencyReadiness {

    private static final Logger LOG = Logger.getLogger(DependencyReadiness.class);

    /** The database's check, named as Quarkus' own was. */
    @Readiness
    @ApplicationScoped
    public static class Database implements HealthCheck {
        @Inject
        DependencyReadiness probes;

        @Override
        public HealthCheckResponse call() {
            return probes.check("Database connections health check", "postgres");
        }
    }

    /** Kafka's check, named as Quarkus' own was. */
    @Readiness
    @ApplicationScoped
    public static class Kafka implements HealthCheck {
        @Inject
        DependencyReadiness probes;

        @Override
        public HealthCheckResponse call() {
            return probes.check("Kafka connection health check", "kafka");
        }
    }

    /** What the last probe of a dependency found, and when. */
    record State(boolean up, String detail, long atNanos) {
    }

    @Inject
    AgroalDataSource dataSource;
    @Inject
    OutboxConfig outbox;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    Optional<String> bootstrapServers;
    @ConfigProperty(name = "strata.readiness.interval", defaultValue = "2s")
    Duration interval;
    @ConfigProperty(name = "strata.readiness.timeout", defaultValue = "2s")
    Duration timeout;
    /** Whether this service creates the platform's topics it finds missing (see {@link TopicBootstrap}). */
    @ConfigProperty(name = "strata.kafka.topics.create", defaultValue = "true")
    boolean createTopics;
    /** Partitions of a topic this service creates; unset: the broker's {@code num.partitions}. */
    @ConfigProperty(name = "strata.kafka.topics.partitions")
    Optional<Integer> topicPartitions;
    /** Replication factor of a topic this service creates; unset: the broker's default. */
    @ConfigProperty(name = "strata.kafka.topics.replication-factor")
    Optional<Short> topicReplicationFactor;

    private volatile boolean topicsEnsured;

    private final Map<String, State> states = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<ScheduledExecutorService> probes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Admin admin;

    void onStart(@Observes StartupEvent event) {
        schedule("postgres", () -> {
            try (Connection c = dataSource.getConnection()) {
                if (!c.isValid((int) Math.max(1, timeout.toSeconds()))) {
                    throw new IllegalStateException("the connection did not answer within " + timeout.toMillis()
                            + " ms");
                }
            }
            return "answers";
        });
        bootstrapServers.filter(s -> !s.isBlank()).ifPresent(servers -> schedule("kafka", () -> {
            Admin a = admin(servers);
            int nodes = a.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            if (createTopics && !topicsEnsured) {
                // not ready until the platform's topics exist: producing to a missing topic would block the relay
                List<String> created = TopicBootstrap.ensure(a, Topics.platform(), topicPartitions,
                        topicReplicationFactor, timeout);
                if (!created.isEmpty()) {
                    LOG.infof("created the Kafka topics %s", created);
                }
                topicsEnsured = true;
            }
            return nodes + " broker(s)";
        }));
    }

    void onStop(@Observes ShutdownEvent event) {
        probes.forEach(ScheduledExecutorService::shutdownNow);
        Admin a = admin;
        if (a != null) {
            a.close(Duration.ZERO);
        }
    }

    /** The last known state of a dependency, down when its probe has not answered for interval + timeout. */
    HealthCheckResponse check(String checkName, String dependency) {
        HealthCheckResponseBuilder response = HealthCheckResponse.named(checkName);
        State state = states.get(dependency);
        if (state == null) {
            return response.up().withData(dependency, "not used").build();
        }
        long age = System.nanoTime() - state.atNanos();
        if (age > interval.plus(timeout).plusMillis(500).toNanos()) {
            return response.down().withData(dependency, "no answer for " + TimeUnit.NANOSECONDS.toMillis(age)
                    + " ms").build();
        }
        return response.status(state.up()).withData(dependency, state.detail())
                .withData("checkedMsAgo", TimeUnit.NANOSECONDS.toMillis(age)).build();
    }

    private void schedule(String name, Callable<String> probe) {
        states.put(name, new State(false, "not probed yet", System.nanoTime()));
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "readiness-" + name);
            t.setDaemon(true);
            return t;
        });
        probes.add(executor);
        executor.scheduleWithFixedDelay(() -> {
            State state;
            try {
                state = new State(true, probe.call(), System.nanoTime());
            } catch (Exception e) {
                Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                        ? e.getCause()
                        : e;
                String reason = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
                state = new State(false, reason.lines().findFirst().orElse(reason), System.nanoTime());
            }
            states.put(name, state);
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized Admin admin(String servers) {
        if (admin == null) {
            Map<String, Object> props = new java.util.HashMap<>(outbox.producer());
            props.keySet().removeIf(k -> !AdminClientConfig.configNames().contains(k));
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            props.put(AdminClientConfig.CLIENT_ID_CONFIG, "readiness");
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            admin = Admin.create(props);
        }
        return admin;
    }
}
