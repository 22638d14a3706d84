package dev.strata.transform.build;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.outbox.Tracing;
import dev.strata.transform.config.TransformConfig;

/**
 * Runs queued builds: {@code concurrent-builds} threads claim them with {@code FOR UPDATE SKIP LOCKED}, so replicas
 * share the queue without running a build twice. A claimed build is leased: this worker renews its heartbeat every
 * third of {@code lease}; a build whose worker died (no heartbeat for a whole lease) is claimed again by any replica. An idle thread waits for a wake-up (a build queued by this replica)
 * or the poll interval.
 */
@ApplicationScoped
public class BuildWorker {

    private static final Logger LOG = Logger.getLogger(BuildWorker.class);

    @Inject
    TransformConfig config;
    @Inject
    BuildRepository builds;
    @Inject
    Instance<BuildService> service;

    private final Semaphore wakeUps = new Semaphore(0);
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService heartbeats;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopped;
    private final String name = ManagementFactory.getRuntimeMXBean().getName();

    void onStart(@Observes StartupEvent event) {
        for (int i = 0; i < Math.max(1, config.concurrentBuilds()); i++) {
            Thread t = new Thread(this::loop, "strata-transform-build-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strata-transform-lease");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, config.lease().toMillis() / 3);
        heartbeats.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    private void heartbeat() {
        try {
            builds.heartbeat(name, Set.copyOf(running));
        } catch (RuntimeException e) {
            LOG.warnf("build worker: %s", e.getMessage());
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
        threads.forEach(Thread::interrupt);
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
    }

    public String name() {
        return name;
    }

    public void wakeUp() {
        wakeUps.release(Math.max(1, config.concurrentBuilds()));
    }

    private void loop() {
        while (!stopped) {
            try {
                try {
                    service.get().giveUpLostBuilds();
                } catch (RuntimeException e) {
                    // never in the way of claiming work
                    LOG.warnf("build worker: %s", e.getMessage());
                }
                Optional<BuildRepository.Claimed> claimed = builds.claim(name, config.lease());
                if (claimed.isPresent()) {
                    Build build = claimed.get().build();
                    running.add(build.id());
                    // the build runs in the trace of the request that queued it: its events and log lines name it
                    try (Tracing.Resumed trace = Tracing.resume(claimed.get().traceparent(), null)) {
                        service.get().execute(build);
                    } finally {
                        running.remove(build.id());
                    }
                    continue;
                }
            } catch (RuntimeException e) {
                LOG.warnf("build worker: %s", e.getMessage());
            }
            try {
                wakeUps.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                wakeUps.drainPermits();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
