package dev.strata.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A real Keycloak in development mode (its own H2 database under the data directory), run from the distribution zip
 * that the build resolves from Maven Central ({@code org.keycloak:keycloak-quarkus-dist}, unzipped at first use). It is
 * not part of the platform, so not a {@link Component}: tests use it as an external OIDC issuer.
 *
 * <pre>
 * try (KeycloakServer keycloak = KeycloakServer.startIn(Path.of("target/keycloak"))) {
 *     keycloak.admin().createRealm("acme");
 * }
 * </pre>
 *
 * The bootstrap admin gets a password generated for its directory, never logged; {@link #admin()} uses it. Keycloak
 * runs on the JVM that runs this class (Keycloak 26 needs Java 17 or newer), or on the JDK named by
 * {@code STRATA_KEYCLOAK_JAVA_HOME}.
 */
public final class KeycloakServer extends ProcessServer implements AutoCloseable {

    public static final String ADMIN_USERNAME = "strata-admin";
    static final int MIN_JAVA = 17;
    private static final String JAVA_HOME_VARIABLE = "STRATA_KEYCLOAK_JAVA_HOME";

    private final int port;
    private final int managementPort;
    // read once: the directory's settings file may be rewritten by another StackDirectory on the same root
    private final String adminPassword;
    private Process watchdog;

    KeycloakServer(StackDirectory dir) {
        // 25-70 s on an idle 2-core machine; several minutes when the machine is shared with other builds
        super(dir, "keycloak", Duration.ofSeconds(360));
        this.port = dir.port("keycloak.port");
        this.managementPort = dir.port("keycloak.management-port");
        this.adminPassword = dir.secret("keycloak.admin-password");
    }

    /**
     * Starts Keycloak with {@code root} as its own stack directory and waits until it serves; a watchdog stops it if
     * this JVM dies without {@link #close()}.
     */
    public static KeycloakServer startIn(Path root) {
        StackDirectory dir = new StackDirectory(root);
        Watchdog.killRecorded(dir.root().resolve("run"));
        KeycloakServer server = new KeycloakServer(dir);
        server.watchdog = Watchdog.start(ProcessHandle.current().pid(), dir.root().resolve("run"), dir.log("watchdog"));
        try {
            server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    @Override
    public int port() {
        return port;
    }

    /** The base URL, such as {@code http://127.0.0.1:8080}. */
    public String url() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    /** The issuer URL of a realm: what its tokens carry as {@code iss}. */
    public String issuer(String realm) {
        return url() + "/realms/" + realm;
    }

    /** The admin REST API, as the bootstrap admin. */
    public KeycloakAdmin admin() {
        return new KeycloakAdmin(url(), ADMIN_USERNAME, adminPassword);
    }

    @Override
    protected String readyLine() {
        return "Listening on: " + url();
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        env.put("JAVA", java());
        // kc.sh's default JVM options, not those this process's environment may hold, with a heap below its 512 MB
        env.put("JAVA_OPTS", "");
        env.put("JAVA_OPTS_APPEND", "");
        env.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx384m");
        return env;
    }

    @Override
    protected List<String> command() {
        Path home = distribution();
        return List.of("sh", home.resolve("bin").resolve("kc.sh").toString(), "start-dev",
                "--http-host=" + Ports.LOOPBACK, "--http-port=" + port, "--http-management-port=" + managementPort,
                "--health-enabled=true");
    }

    @Override
    public synchronized void stop() {
        // kc.sh runs the JVM as its child until a first build has finished: stop that one too
        List<ProcessHandle> children = pid().stream()
                .mapToObj(ProcessHandle::of)
                .flatMap(Optional::stream)
                .flatMap(ProcessHandle::descendants)
                .toList();
        super.stop();
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** Stops Keycloak (its data stays) and the watchdog. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            if (watchdog != null) {
                watchdog.destroy();
            }
        }
    }

    private static String java() {
        String home = System.getenv(JAVA_HOME_VARIABLE);
        if (home != null && !home.isBlank()) {
            Path java = Path.of(home, "bin", "java");
            if (!Files.isExecutable(java)) {
                throw new DevStackException(JAVA_HOME_VARIABLE + "=" + home + " has no bin/java: point it at a JDK "
                        + MIN_JAVA + " or newer");
            }
            return java.toString();
        }
        if (Runtime.version().feature() < MIN_JAVA) {
            throw new DevStackException("Keycloak needs Java " + MIN_JAVA + " or newer and this JVM is "
                    + Runtime.version() + ": set " + JAVA_HOME_VARIABLE + " to a newer JDK");
        }
        return javaBinary();
    }

    /** The unzipped distribution, unzipped now if this directory has none yet. */
    private Path distribution() {
        Path zip = Path.of(ServerClasspath.of("keycloak"));
        Path home = dir.data(name()).resolve("dist");
        Path done = home.resolve(".unzipped");
        if (Files.exists(done)) {
            return home;
        }
        try {
            deleteRecursively(home);
            unzip(zip, home);
            Files.writeString(done, zip.getFileName().toString());
        } catch (IOException e) {
            throw new DevStackException("cannot unzip " + zip + " into " + home + " (" + e.getMessage()
                    + "): check the free disk space");
        }
        return home;
    }

    /** Unzips without the archive's top folder ({@code keycloak-<version>/}). */
    static void unzip(Path zip, Path target) throws IOException {
        Files.createDirectories(target);
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Enumeration<? extends ZipEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                int slash = name.indexOf('/');
                if (slash < 0 || slash == name.length() - 1) {
                    continue;
                }
                Path path = target.resolve(name.substring(slash + 1)).normalize();
                if (!path.startsWith(target)) {
                    throw new IOException("the entry " + name + " points outside the target folder");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else {
                    Files.createDirectories(path.getParent());
                    try (InputStream in = file.getInputStream(entry)) {
                        Files.copy(in, path, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
