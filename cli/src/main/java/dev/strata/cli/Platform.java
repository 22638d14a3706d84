package dev.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;
import dev.strata.devstack.DevStackException;
import dev.strata.devstack.ManagedServer;
import dev.strata.devstack.Ports;
import dev.strata.devstack.Watchdog;

/**
 * The platform a launcher runs: the dev stack (PostgreSQL, Kafka, S3, Redis) and the services as child JVMs. It starts
 * them, records them in {@link PlatformState}, watches them and stops them, services first.
 */
final class Platform {

    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(20);

    private final Path dataDir;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Readiness readiness = new Readiness();
    private final List<ServiceProcess> services = new CopyOnWriteArrayList<>();
    private final Set<String> reportedDead = new HashSet<>();
    private final Map<String, Long> infraPids = new LinkedHashMap<>();
    private final Map<String, String> extraEnvironment = new LinkedHashMap<>();
    private PlatformState state;
    private DevStack stack;
    private Instant infrastructureStartedAt;
    private volatile boolean stopping;
    private boolean stopped;

    Platform(Path dataDir, PrintWriter out, PrintWriter err) {
        this.dataDir = dataDir;
        this.out = out;
        this.err = err;
        this.state = PlatformState.starting(ProcessHandle.current().pid(), Instant.now());
    }

    Path runDir() {
        return dataDir.resolve("run");
    }

    Path logDir() {
        return dataDir.resolve("logs");
    }

    boolean isStopping() { return stopping; }

    /**
     * Environment variables every service gets on top of the platform's own, e.g. shorter leases for the fault
     * injection suite; set before {@link #startServices}.
     */
    void extraEnvironment(Map<String, String> environment) {
        extraEnvironment.putAll(environment);
    }

    DevStack stack() {
        return stack;
    }

    List<ServiceProcess> services() {
        return List.copyOf(services);
    }

    void recordStarting() {
        state.write(runDir());
    }

    /** Starts PostgreSQL, Kafka, S3 and Redis and waits until each one serves. */
    void startInfrastructure() {
        DevStack started = DevStack.start(dataDir, Component.INFRASTRUCTURE);
        synchronized (this) {
            stack = started;
            if (stopping) {
                // Ctrl-C came while the servers were starting: stop() did not see them
                closeStack();
                throw new StrataException("interrupted while starting the infrastructure");
            }
        }
        infrastructureStartedAt = Instant.now();
        for (ManagedServer server : stack.servers()) {
            infraPids.put(server.name(), server.pid().orElse(0));
        }
        record(PlatformState.Phase.STARTING);
    }

    static final String ADMIN_USERNAME = "admin";
    static final String ADMIN_PASSWORD_KEY = "auth.admin-password";
    /** The transform service's own account (lineage pushed to the registry), its secret generated like the admin's. */
    static final String TRANSFORM_ACCOUNT = "transform";
    static final String TRANSFORM_ACCOUNT_SECRET_KEY = "auth.service-account.transform";
    /**
     * The account the README's "Tokens for scripts" uses (client credentials, engineer on every namespace): its secret
     * is {@code strata_sas_} + this key's value in {@code .strata/stack.properties}, generated once, owner-only.
     */
    static final String SCRIPTS_ACCOUNT = "scripts";
    static final String SCRIPTS_ACCOUNT_SECRET_KEY = "auth.service-account.scripts";
    /** The scheduler's own account (what pipelines name, checked at the registry, transform and notifier). */
    static final String SCHEDULER_ACCOUNT = "scheduler";
    static final String SCHEDULER_ACCOUNT_SECRET_KEY = "auth.service-account.scheduler";

    private static int authPort(List<ServiceProcess> services) {
        return services.stream().filter(s -> s.name().equals("auth")).mapToInt(ServiceProcess::port).findFirst()
                .orElse(0);
    }

    /** The workers that resolve namespaces' connections and secrets at the auth service, each with its account. */
    static final List<String> RESOLVER_ACCOUNTS = List.of("ingest", "notifier");

    private String transformAccountSecret() {
        return "strata_sas_" + stack.secret(TRANSFORM_ACCOUNT_SECRET_KEY);
    }

    private String accountSecret(String account) {
        return "strata_sas_" + stack.secret("auth.service-account." + account);
    }

    private String schedulerAccountSecret() {
        return accountSecret(SCHEDULER_ACCOUNT);
    }

    /** Starts every service JVM at once; {@link #awaitReady} waits for them. */
    void startServices(List<ServiceProcess> toStart, String javaBinary, List<String> javaOpts, boolean jsonLogs) {
        Map<String, String> shared = new LinkedHashMap<>();
        for (ServiceProcess service : toStart) {
            shared.put(DevStack.envName("strata.services." + service.name() + ".url"), service.url());
        }
        // the built-in issuer is the auth service (docs/adr/0003-identity-and-access.md)
        shared.put(DevStack.envName("strata.auth.issuer"), "http://127.0.0.1:" + authPort(toStart));
        shared.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        shared.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", Boolean.toString(jsonLogs));
        for (ServiceProcess service : toStart) {
            Map<String, String> env = new LinkedHashMap<>();
            stack.serviceConfig().forEach((key, value) -> env.put(DevStack.envName(key), value));
            env.putAll(shared);
            env.put("QUARKUS_HTTP_PORT", Integer.toString(service.port()));
            if (service.name().equals("auth")) {
                // the first admin: generated once per data directory, kept owner-only, never printed
                env.put(DevStack.envName("strata.auth.bootstrap.admin-username"), ADMIN_USERNAME);
                env.put(DevStack.envName("strata.auth.bootstrap.admin-password"), stack.secret(ADMIN_PASSWORD_KEY));
                env.put(DevStack.envName("strata.auth.key-encryption-key"), stack.key256("auth.key-encryption-key"));
                StringBuilder accounts = new StringBuilder(TRANSFORM_ACCOUNT + "=" + transformAccountSecret());
                accounts.append(',').append(SCRIPTS_ACCOUNT).append("=strata_sas_")
                        .append(stack.secret(SCRIPTS_ACCOUNT_SECRET_KEY));
                accounts.append(',').append(SCHEDULER_ACCOUNT).append('=').append(schedulerAccountSecret());
                RESOLVER_ACCOUNTS.forEach(a -> accounts.append(',').append(a).append('=').append(accountSecret(a)));
                env.put(DevStack.envName("strata.auth.bootstrap.service-accounts"), accounts.toString());
                // envelope encryption of namespaces' secrets: generated once per data directory like the others
                env.put(DevStack.envName("strata.secrets.master-key"), stack.key256("auth.secrets-master-key"));
            }
            if (RESOLVER_ACCOUNTS.contains(service.name())) {
                env.put(DevStack.envName("strata." + service.name() + ".service-account.client-id"),
                        "sa-" + service.name());
                env.put(DevStack.envName("strata." + service.name() + ".service-account.client-secret"),
                        accountSecret(service.name()));
            }
            if (service.name().equals("notifier")) {
                // links in notifications lead to the run's page in the web UI, served by the gateway
                toStart.stream().filter(s -> s.name().equals("gateway")).findFirst().ifPresent(gateway -> env.put(
                        DevStack.envName("strata.notifier.public-base-url"), gateway.url()));
            }
            if (service.name().equals("transform")) {
                env.put(DevStack.envName("strata.transform.service-account.client-id"), "sa-" + TRANSFORM_ACCOUNT);
                env.put(DevStack.envName("strata.transform.service-account.client-secret"), transformAccountSecret());
            }
            if (service.name().equals("scheduler")) {
                env.put(DevStack.envName("strata.scheduler.service-account.client-id"), "sa-" + SCHEDULER_ACCOUNT);
                env.put(DevStack.envName("strata.scheduler.service-account.client-secret"), schedulerAccountSecret());
            }
            env.putAll(extraEnvironment);
            synchronized (this) {
                if (stopping) {
                    throw new StrataException("interrupted while starting the services");
                }
                services.add(service);
                service.start(javaBinary, javaOpts, dataDir, env);
            }
        }
        record(PlatformState.Phase.STARTING);
    }

    /**
     * Waits until every service answers its readiness check with 200. Fails if one exits meanwhile (naming it, with
     * the end of its log) or when the deadline passes.
     */
    void awaitReady(Duration timeout, long startNanos) {
        long deadline = startNanos + timeout.toNanos();
        List<ServiceProcess> waiting = new ArrayList<>(services);
        while (!waiting.isEmpty()) {
            if (stopping) {
                throw new StrataException("interrupted while waiting for the services");
            }
            for (ServiceProcess service : List.copyOf(waiting)) {
                if (!service.isAlive()) {
                    throw new StrataException(exitedWhileStarting(service));
                }
            }
            Map<ServiceProcess, CompletableFuture<Boolean>> checks = new LinkedHashMap<>();
            for (ServiceProcess service : waiting) {
                checks.put(service, readiness.check(service.port()));
            }
            for (Map.Entry<ServiceProcess, CompletableFuture<Boolean>> check : checks.entrySet()) {
                if (check.getValue().join()) {
                    waiting.remove(check.getKey());
                    out.printf("  %-10s ready after %s%n", check.getKey().name(), UpCommand.seconds(startNanos));
                }
            }
            if (waiting.isEmpty()) {
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new StrataException(String.join(", ", waiting.stream().map(ServiceProcess::name).toList())
                        + (waiting.size() == 1 ? " was" : " were") + " not ready within " + timeout.toSeconds()
                        + " s; see "
                        + (waiting.size() == 1 ? waiting.get(0).log() : logDir() + "/<service>.log")
                        + ", or allow more time with --timeout");
            }
            sleep(POLL);
        }
        record(PlatformState.Phase.READY);
    }

    /**
     * Stops one service (SIGTERM, or SIGKILL when {@code kill} is set, as a crash) and starts it again on the same port
     * with the same configuration, then waits until it is ready: the fault-injection suite's restart, in process
     * ({@code strata restart} goes through {@link RestartRequest} to a running launcher).
     */
    void restart(String name, boolean kill, Duration readyWithin) {
        ServiceProcess service = services.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new StrataException("no service '" + name + "' runs in this platform"));
        stopOne(service, kill);
        startOne(service, readyWithin);
    }

    /** Stops one service, as {@link #restart} does, and leaves it stopped. */
    void stopOne(ServiceProcess service, boolean kill) {
        if (kill) {
            service.kill();
        } else {
            service.terminate();
        }
        long deadline = System.nanoTime() + SERVICE_STOP_GRACE.toNanos();
        while (service.isAlive() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
        }
        service.kill();
        waitForExit(service);
        synchronized (this) {
            reportedDead.add(service.name());
        }
        // the port is free again only once the kernel lets go of it
        long portDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Ports.isFree(service.port()) && System.nanoTime() < portDeadline) {
            sleep(Duration.ofMillis(50));
        }
    }

    /** Starts a service stopped by {@link #stopOne} again, with the configuration it first had, and waits for it. */
    void startOne(ServiceProcess service, Duration readyWithin) {
        synchronized (this) {
            service.restart();
            reportedDead.remove(service.name());
        }
        long deadline = System.nanoTime() + readyWithin.toNanos();
        while (!readiness.isReady(service.port())) {
            if (!service.isAlive()) {
                throw new StrataException(exitedWhileStarting(service));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new StrataException(service.name() + " was not ready within " + readyWithin.toSeconds()
                        + " s after its restart; see " + service.log());
            }
            sleep(POLL);
        }
        record(state.phase());
    }

    /** Reports, once a second, any service or server that stopped on its own, until the platform is stopped. */
    void watch() {
        while (!stopping) {
            sleep(Duration.ofSeconds(1));
            for (RestartRequest request : RestartRequest.pending(runDir())) {
                restart(request);
            }
            List<String> deaths = newDeaths();
            if (deaths.isEmpty()) {
                continue;
            }
            // Ctrl-C in a terminal reaches every process of the group at once: give the shutdown hook a moment to
            // start before calling these deaths unexpected
            sleep(Duration.ofMillis(500));
            if (stopping) {
                return;
            }
            deaths.forEach(err::println);
        }
    }

    /**
     * Restarts one service as {@code strata restart} asked: SIGTERM (SIGKILL after 20 s), the same command, port and
     * environment again, then waits for its readiness. The new process is this launcher's child and in the state
     * file, so {@code down} stops it like the others. The outcome goes back to the asking command.
     */
    private void restart(RestartRequest request) {
        ServiceProcess service = services.stream().filter(s -> s.name().equals(request.service())).findFirst()
                .orElse(null);
        if (service == null) {
            request.answer(false, request.service() + " is not running in this platform (started: "
                    + String.join(", ", services.stream().map(ServiceProcess::name).toList()) + ")");
            return;
        }
        long startNanos = System.nanoTime();
        long oldPid = service.pid();
        out.println("Restarting " + service.name() + " (pid " + oldPid + "), as `strata restart` asked...");
        out.flush();
        try {
            service.terminate();
            long deadline = System.nanoTime() + SERVICE_STOP_GRACE.toNanos();
            while (service.isAlive() && System.nanoTime() < deadline && !stopping) {
                sleep(Duration.ofMillis(100));
            }
            if (service.isAlive()) {
                service.kill();
                waitForExit(service);
            }
            synchronized (this) {
                if (stopping) {
                    request.answer(false, "the platform is stopping");
                    return;
                }
                service.restart();
            }
            reportedDead.remove(service.name());
            record(PlatformState.Phase.STARTING);
            long readyBy = startNanos + request.timeout().toNanos();
            while (!readiness.isReady(service.port())) {
                if (!service.isAlive()) {
                    throw new StrataException(exitedWhileStarting(service));
                }
                if (stopping || System.nanoTime() - readyBy > 0) {
                    throw new StrataException(service.name() + " was not ready within "
                            + request.timeout().toSeconds() + " s; see " + service.log());
                }
                sleep(POLL);
            }
            record(PlatformState.Phase.READY);
            String done = service.name() + " restarted (pid " + oldPid + " → " + service.pid() + "), ready after "
                    + UpCommand.seconds(startNanos);
            out.println("  " + done);
            out.flush();
            request.answer(true, done);
        } catch (RuntimeException e) {
            err.println(service.name() + " could not be restarted: " + e.getMessage());
            err.flush();
            request.answer(false, e.getMessage());
        }
    }

    /** One sentence per service or server that died since the last call. */
    private List<String> newDeaths() {
        List<String> deaths = new ArrayList<>();
        String advice = "The others keep running; ./strata down stops everything.";
        for (ServiceProcess service : services) {
            if (!service.isAlive() && reportedDead.add(service.name())) {
                String reason = service.exitValue().stream().mapToObj(Platform::exitReason).findFirst().orElse("");
                deaths.add(service.name() + " (pid " + service.pid() + ") stopped unexpectedly" + reason
                        + ". Its log: " + service.log() + ". " + advice);
                service.deletePidFile();
            }
        }
        for (ManagedServer server : stack.servers()) {
            long pid = infraPids.getOrDefault(server.name(), 0L);
            if (pid > 0 && ProcessStats.alive(pid).isEmpty() && reportedDead.add(server.name())) {
                deaths.add(server.name() + " (pid " + pid + ") stopped unexpectedly. Its log: " + server.logFile()
                        + ". " + advice);
            }
        }
        return deaths;
    }

    /**
     * Stops the services (SIGTERM, SIGKILL after 20 s), then the dev stack; the data stays. Safe to call twice and
     * from the shutdown hook.
     */
    void stop() {
        List<ServiceProcess> toStop;
        synchronized (this) {
            stopping = true;
            if (stopped) {
                return;
            }
            stopped = true;
            toStop = List.copyOf(services);
        }
        out.println("Stopping Strata...");
        for (ServiceProcess service : toStop) {
            service.terminate();
        }
        long deadline = System.nanoTime() + SERVICE_STOP_GRACE.toNanos();
        for (ServiceProcess service : toStop) {
            while (service.isAlive() && System.nanoTime() < deadline) {
                sleep(Duration.ofMillis(100));
            }
            if (service.isAlive()) {
                err.println(service.name() + " did not stop within " + SERVICE_STOP_GRACE.toSeconds()
                        + " s; killing it.");
                service.kill();
            }
        }
        for (ServiceProcess service : toStop) {
            waitForExit(service);
            service.deletePidFile();
        }
        synchronized (this) {
            if (stack != null) {
                closeStack();
            } else {
                // still starting: stop whatever servers have been recorded so far
                Watchdog.killRecorded(runDir());
            }
        }
        PlatformState.delete(runDir());
        out.println("Strata stopped. The data stays in " + dataDir + ".");
        out.flush();
        err.flush();
    }

    private void closeStack() {
        try {
            stack.close();
        } catch (DevStackException e) {
            err.println("Warning: " + e.getMessage());
        } catch (RuntimeException e) {
            err.println("Warning: the infrastructure did not stop cleanly (" + e + "); ./strata down stops what is"
                    + " left");
        }
    }

    private void record(PlatformState.Phase phase) {
        List<PlatformState.Entry> infra = new ArrayList<>();
        for (ManagedServer server : stack.servers()) {
            infra.add(new PlatformState.Entry(server.name(), infraPids.getOrDefault(server.name(), 0L),
                    server.port(), infrastructureStartedAt));
        }
        List<PlatformState.Entry> running = services.stream()
                .map(s -> new PlatformState.Entry(s.name(), s.pid(), s.port(), s.startedAt()))
                .toList();
        state = state.with(phase, watchdogPid(), infra, running);
        state.write(runDir());
    }

    /** The dev stack's watchdog is a child shell of this process ({@code sh -c ... strata-watchdog ...}). */
    private static long watchdogPid() {
        Optional<ProcessHandle> watchdog = ProcessHandle.current().children()
                .filter(child -> child.info().commandLine().map(c -> c.contains("strata-watchdog")).orElse(false))
                .findFirst();
        return watchdog.map(ProcessHandle::pid).orElse(0L);
    }

    private String exitedWhileStarting(ServiceProcess service) {
        OptionalInt exit = service.exitValue();
        StringBuilder message = new StringBuilder(service.name() + " exited while starting"
                + (exit.isPresent() ? " with exit code " + exit.getAsInt() : ""));
        List<String> tail = service.logTail(5);
        message.append("; see ").append(service.log());
        if (!tail.isEmpty()) {
            message.append(". Its last lines:\n    ").append(String.join("\n    ", tail));
        }
        return message.toString();
    }

    static String exitReason(int exitValue) {
        if (exitValue > 128 && exitValue < 160) {
            return " (killed by signal " + (exitValue - 128) + ")";
        }
        return " (exit code " + exitValue + ")";
    }

    private static void waitForExit(ServiceProcess service) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (service.isAlive() && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(50));
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
