package dev.strata.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The local infrastructure of Strata, REAL servers on free loopback ports: PostgreSQL, Kafka (KRaft), an S3-compatible
 * server and Redis. The tests' resources and the {@code strata} launcher both start it through this class.
 *
 * <p>
 * All state lives under one directory; {@link #close()} stops the servers and keeps the data, so the next start finds
 * it again. A watchdog process stops the servers if the JVM that started them dies without closing the stack.
 */
public final class DevStack implements AutoCloseable {

    private final StackDirectory dir;
    private final Set<Component> components;
    private final Map<Component, ManagedServer> servers = new LinkedHashMap<>();
    private Process watchdog;

    private DevStack(Path root, Set<Component> components) {
        this.dir = new StackDirectory(root);
        this.components = Collections.unmodifiableSet(EnumSet.copyOf(components));
        for (Component component : this.components) {
            if (component == Component.AUTH) {
                continue; // it needs the others' configuration: created below
            }
            servers.put(component, switch (component) {
                case POSTGRES -> new PostgresServer(dir);
                case KAFKA -> new KafkaServer(dir);
                case S3 -> new S3Server(dir);
                case REDIS -> new RedisServer(dir);
                case AUTH -> throw new IllegalStateException();
            });
        }
        if (this.components.contains(Component.AUTH)) {
            if (!this.components.containsAll(Set.of(Component.POSTGRES, Component.KAFKA))) {
                throw new DevStackException("the auth component needs postgres and kafka in the same dev stack");
            }
            servers.put(Component.AUTH, new AuthServer(dir, serviceConfig()));
        }
    }

    /** Starts the given servers under {@code root}, in parallel, and waits until each one serves. */
    public static DevStack start(Path root, Set<Component> components) {
        if (components.isEmpty()) {
            throw new DevStackException("the dev stack needs at least one component");
        }
        DevStack stack = new DevStack(root, components);
        stack.stopLeftovers();
        stack.startWatchdog();
        try {
            stack.startAll();
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        return stack;
    }

    public Path root() {
        return dir.root();
    }

    public Set<Component> components() {
        return components;
    }

    public List<ManagedServer> servers() {
        return List.copyOf(servers.values());
    }

    public PostgresServer postgres() {
        return (PostgresServer) server(Component.POSTGRES);
    }

    public KafkaServer kafka() {
        return (KafkaServer) server(Component.KAFKA);
    }

    public S3Server s3() {
        return (S3Server) server(Component.S3);
    }

    public RedisServer redis() {
        return (RedisServer) server(Component.REDIS);
    }

    public AuthServer auth() {
        return (AuthServer) server(Component.AUTH);
    }

    /**
     * The configuration a Strata service needs to use this stack, as Quarkus/MicroProfile property names. Each service
     * picks its own schema in the metadata database ({@code strata.<service>.schema}).
     */
    public Map<String, String> serviceConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        if (components.contains(Component.POSTGRES)) {
            config.put("quarkus.datasource.jdbc.url", postgres().jdbcUrl());
            config.put("quarkus.datasource.username", postgres().user());
            config.put("strata.warehouse.jdbc-url", postgres().jdbcUrl(PostgresServer.WAREHOUSE_DB));
            config.put("strata.warehouse.username", PostgresServer.WAREHOUSE_ADMIN);
            config.put("strata.warehouse.password", postgres().warehouseAdminPassword());
            config.put("strata.warehouse.role-key", postgres().warehouseRoleKey());
        }
        if (components.contains(Component.KAFKA)) {
            config.put("kafka.bootstrap.servers", kafka().bootstrapServers());
        }
        if (components.contains(Component.S3)) {
            config.put("strata.s3.endpoint", s3().endpoint());
            config.put("strata.s3.region", S3Server.REGION);
            config.put("strata.s3.access-key", s3().accessKey());
            config.put("strata.s3.secret-key", s3().secretKey());
        }
        if (components.contains(Component.REDIS)) {
            config.put("quarkus.redis.hosts", redis().uri());
        }
        if (components.contains(Component.AUTH) && servers.containsKey(Component.AUTH)) {
            config.put("strata.auth.issuer", auth().issuer());
            config.put("strata.services.auth.url", auth().issuer());
            // the workers' own accounts, which resolve namespaces' connections and secrets (each service reads its own)
            for (String worker : List.of("ingest", "notifier")) {
                config.put("strata." + worker + ".service-account.client-id", "sa-" + worker);
                config.put("strata." + worker + ".service-account.client-secret", auth().workerAccountSecret(worker));
            }
        }
        return config;
    }

    /**
     * A credential generated once for this stack's directory and kept there owner-only (e.g. the first admin's
     * password of a local platform); never logged.
     */
    public String secret(String key) {
        return dir.secret(key);
    }

    /** A 256-bit key (base64) generated once for this stack's directory and kept there owner-only. */
    public String key256(String key) {
        return dir.key256(key);
    }

    /** The environment-variable name Quarkus maps to a property name ({@code a.b-c} → {@code A_B_C}). */
    public static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** Stops every server (the data stays) and the watchdog. */
    @Override
    public void close() {
        List<RuntimeException> failures = new ArrayList<>();
        List<ManagedServer> reversed = new ArrayList<>(servers.values());
        Collections.reverse(reversed);
        for (ManagedServer server : reversed) {
            try {
                server.stop();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (watchdog != null) {
            watchdog.destroy();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private ManagedServer server(Component component) {
        ManagedServer server = servers.get(component);
        if (server == null) {
            throw new IllegalStateException(component.id() + " is not part of this dev stack (it runs " + components
                    + ")");
        }
        return server;
    }

    private void startAll() {
        startInParallel(servers.values().stream().filter(s -> !(s instanceof AuthServer)).toList());
        if (servers.containsKey(Component.AUTH)) {
            auth().start();
        }
    }

    private void startInParallel(List<ManagedServer> toStart) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
        for (ManagedServer server : toStart) {
            Thread thread = new Thread(() -> {
                try {
                    server.start();
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "devstack-start-" + server.name());
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DevStackException("interrupted while starting the dev stack");
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** Processes of an earlier run of this directory whose owner died without stopping them. */
    private void stopLeftovers() {
        Watchdog.killRecorded(dir.root().resolve("run"));
    }

    private void startWatchdog() {
        watchdog = Watchdog.start(ProcessHandle.current().pid(), dir.root().resolve("run"), dir.log("watchdog"));
    }

    static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
