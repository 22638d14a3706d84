package dev.strata.transform.build;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

import dev.strata.transform.config.TransformConfig;

/**
 * Runs queued builds: {@code concurrent-builds} threads claim them with {@code FOR UPDATE SKIP LOCKED}, so replicas
 * share the queue without running a build twice. An idle thread waits for a wake-up (a build queued by this replica)
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
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private final String name = ManagementFactory.getRuntimeMXBean().getName();

    void onStart(@Observes StartupEvent event) {
        running = true;
        for (int i = 0; i < Math.max(1, config.concurrentBuilds()); i++) {
            Thread t = new Thread(this::loop, "strata-transform-build-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        threads.forEach(Thread::interrupt);
    }

    public String name() {
        return name;
    }

    public void wakeUp() {
        wakeUps.release(Math.max(1, config.concurrentBuilds()));
    }

    private void loop() {
        while (running) {
            try {
                Optional<Build> claimed = builds.claim();
                if (claimed.isPresent()) {
                    service.get().execute(claimed.get());
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
