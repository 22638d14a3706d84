package dev.strata.devstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real auth service (Strata's token issuer), run from its built jar for the tests of the services that check
 * tokens. Its first admin gets a password generated for this stack ({@link #adminPassword()}).
 */
public final class AuthServer extends ProcessServer {

    public static final String ADMIN_USERNAME = "admin";

    private final int port;
    private final Map<String, String> environment;

    AuthServer(StackDirectory dir, Map<String, String> infrastructureConfig) {
        super(dir, "auth", Duration.ofSeconds(90));
        this.port = dir.port("auth.port");
        this.environment = infrastructureConfig;
    }

    @Override
    public int port() {
        return port;
    }

    /** The issuer URL: the service's own base URL. */
    public String issuer() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public String adminPassword() {
        return dir.secret("auth.admin-password");
    }

    /** The AES key (base64) that seals the issuer's signing keys in its schema; tests sign tokens of their own. */
    public String keyEncryptionKey() {
        return dir.key256("auth.key-encryption-key");
    }

    /**
     * The secret of a worker's own service account ({@code ingest} or {@code notifier}, client id {@code sa-<name>}):
     * the accounts that may resolve namespaces' connections and secrets.
     */
    public String workerAccountSecret(String worker) {
        return "strata_sas_" + dir.secret("auth.service-account." + worker);
    }

    @Override
    protected String readyLine() {
        return "started in";
    }

    @Override
    protected Map<String, String> environment() {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        environment.forEach((key, value) -> env.put(DevStack.envName(key), value));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("QUARKUS_HTTP_HOST", Ports.LOOPBACK);
        env.put("STRATA_AUTH_ISSUER", issuer());
        env.put("STRATA_AUTH_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("STRATA_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword());
        env.put("STRATA_AUTH_KEY_ENCRYPTION_KEY", keyEncryptionKey());
        env.put("STRATA_SECRETS_MASTER_KEY", dir.key256("auth.secrets-master-key"));
        env.put("STRATA_AUTH_BOOTSTRAP_SERVICE_ACCOUNTS", "ingest=" + workerAccountSecret("ingest") + ",notifier="
                + workerAccountSecret("notifier"));
        return env;
    }

    @Override
    protected List<String> command() {
        Path jar = jar();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-XX:+UseSerialGC", "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-Dstrata.home=" + dir.root(), "-jar", jar.toString()));
        return command;
    }

    private static Path jar() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("services/auth/target/quarkus-app/quarkus-run.jar");
            if (Files.isDirectory(dir.resolve("services/auth"))) {
                if (!Files.exists(candidate)) {
                    throw new DevStackException("the auth service is not built (" + candidate + " is missing): run"
                            + " ./mvnw -B -DskipTests install -pl services/auth -am first");
                }
                return candidate;
            }
            dir = dir.getParent();
        }
        throw new DevStackException("cannot find the Strata repository (services/auth) above " + Path.of("")
                .toAbsolutePath() + ": run the tests from inside the repository");
    }
}
