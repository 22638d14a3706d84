package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.cli.Launcher.Output;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * The user verbs against a real platform started by the launcher (gateway, auth, scheduler on real Postgres, Kafka,
 * Redis): each verb run as a user runs it, {@code java -jar strata-cli.jar ...} with its own config directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserVerbsIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(6);
    private static final String NS = "clitest";
    private static final String GOOD = """
            namespace: clitest
            id: good
            tasks:
              - id: hello
                type: sql
                inputs: {sql: "select 1"}
              - id: world
                type: sql
                depends_on: [hello]
                inputs: {sql: "select 2"}
            """;
    private static final String BAD = """
            namespace: clitest
            id: bad
            tasks:
              - id: divide
                type: sql
                inputs: {sql: "select 1/0"}
            """;

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path tmp;

    private Process launcher;
    private Output output;
    private Path dataDir;
    private Path config;
    private String gateway;
    private String adminToken;
    private String apiToken;

    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    void startThePlatform() throws Exception {
        dataDir = tmp.resolve("data");
        config = tmp.resolve("config");
        ProcessBuilder up = Launcher.cli("up", "--data-dir", dataDir.toString(), "--gateway-port", "auto",
                "--timeout", READY_WITHIN.toSeconds() + "s").redirectErrorStream(true);
        up.environment().put("STRATA_SERVICES", "gateway,auth,scheduler");
        // the gateway reuses an API token's JWT for at most this long (30 s by default): a revocation shows sooner
        up.environment().put("STRATA_GATEWAY_API_TOKEN_CACHE", "2s");
        launcher = up.start();
        output = new Output(launcher, Path.of("target", "user-verbs-it-launcher.log"));
        if (!output.await("Strata is ready in", READY_WITHIN.plusSeconds(30))) {
            fail("strata up did not get ready:\n" + output);
        }
        PlatformState state = PlatformState.read(dataDir.toRealPath().resolve("run")).orElseThrow();
        gateway = "http://127.0.0.1:" + state.services().stream().filter(s -> s.name().equals("gateway"))
                .findFirst().orElseThrow().port();
        Properties stack = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        adminToken = new IssuerClient(gateway, stack.getProperty(Platform.ADMIN_PASSWORD_KEY)).adminToken();
        HttpResponse<String> created = call("POST", "/api/auth/v1/api-tokens", adminToken,
                "{\"name\":\"cli-it\",\"expiresAt\":\"" + Instant.now().plus(Duration.ofDays(1)) + "\"}");
        assertEquals(201, created.statusCode(), created.body());
        apiToken = json.readTree(created.body()).path("token").asText();
        assertTrue(apiToken.startsWith("strata_pat_"));
    }

    @AfterAll
    void stopThePlatform() throws Exception {
        if (launcher != null) {
            if (launcher.isAlive()) {
                Launcher.Result down = Launcher.run(Duration.ofSeconds(150), "down", "--data-dir",
                        dataDir.toString());
                // a restarted service is the launcher's child like the others: nothing left to "could not stop"
                assertEquals(0, down.exitCode(), down.output());
                assertFalse(down.output().contains("could not stop"), down.output());
            }
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher exited");
            output.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void loginWithAnApiTokenThenWhoami() throws Exception {
        Run login = strata(Map.of(), apiToken + "\n", "login", gateway, "--token", "-", "--context", "it");
        assertEquals(0, login.exitCode(), login.all());
        assertTrue(login.out().contains("Signed in to " + gateway + " as admin (context it)"), login.out());

        Run whoami = strata(Map.of(), null, "whoami");
        assertEquals(0, whoami.exitCode(), whoami.all());
        assertTrue(whoami.out().startsWith("admin (user) at " + gateway), whoami.out());

        Run asJson = strata(Map.of(), null, "whoami", "-o", "json");
        assertEquals(0, asJson.exitCode(), asJson.all());
        JsonNode me = json.readTree(asJson.out());
        assertEquals("admin", me.path("username").asText());
        assertEquals("admin", me.path("namespaces").path("*").asText());

        Run current = strata(Map.of(), null, "context", "current");
        assertEquals("it " + gateway + " admin", current.out().strip());

        // the token only in the owner-only file
        Path credentials = config.resolve(Contexts.CREDENTIALS_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertTrue(Files.readString(credentials).contains(apiToken));
        try (Stream<Path> files = Files.list(config)) {
            for (Path file : files.filter(f -> !f.equals(credentials)).toList()) {
                assertFalse(Files.readString(file).contains(apiToken), file.toString());
            }
        }
        for (Run run : List.of(login, whoami, asJson, current)) {
            assertFalse(run.all().contains(apiToken), "a token printed");
        }
    }

    @Test
    @Order(2)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void applyAndTriggerWaitExitsWithTheRunsOutcome() throws Exception {
        Run ns = strata(Map.of(), null, "ns", "create", NS);
        assertEquals(0, ns.exitCode(), ns.all());
        Run nsLs = strata(Map.of(), null, "ns", "ls", "-o", "json");
        assertTrue(names(json.readTree(nsLs.out()), "name").contains(NS), nsLs.out());

        Path good = Files.writeString(tmp.resolve("good.yaml"), GOOD);
        Path bad = Files.writeString(tmp.resolve("bad.yaml"), BAD);
        Run validate = strata(Map.of(), null, "pipeline", "validate", good.toString());
        assertEquals(0, validate.exitCode(), validate.all());
        assertTrue(validate.out().contains("valid, pipeline clitest.good with 2 tasks"), validate.out());
        for (Path file : List.of(good, bad)) {
            Run apply = strata(Map.of(), null, "pipeline", "apply", file.toString());
            assertEquals(0, apply.exitCode(), apply.all());
        }
        Run broken = strata(Map.of(), null, "pipeline", "apply",
                Files.writeString(tmp.resolve("broken.yaml"), "namespace: clitest\nid: x\ntasks: []\n").toString());
        assertEquals(ExitCodes.INVALID, broken.exitCode(), broken.all());
        assertTrue(broken.err().startsWith("Error: " + tmp.resolve("broken.yaml") + ": refused by the platform"),
                broken.err());

        Run succeeded = strata(Map.of(), null, "pipeline", "trigger", "clitest.good", "--wait", "--timeout", "3m");
        assertEquals(0, succeeded.exitCode(), succeeded.all());
        assertTrue(succeeded.out().contains("hello"), succeeded.out());
        assertTrue(succeeded.out().matches("(?s).*Run [0-9a-f-]{36} succeeded.*"), succeeded.out());

        Run failed = strata(Map.of(), null, "pipeline", "trigger", "clitest.bad", "--wait", "--timeout", "3m");
        assertEquals(1, failed.exitCode(), failed.all());
        assertTrue(failed.out().matches("(?s).*Run [0-9a-f-]{36} failed .*; task divide failed: .*"),
                failed.out());
        assertTrue(failed.out().contains("division by zero"), failed.out());

        Run ls = strata(Map.of(), null, "runs", "ls", "-n", NS, "-o", "json");
        assertEquals(0, ls.exitCode(), ls.all());
        JsonNode runs = json.readTree(ls.out());
        assertTrue(runs.isArray() && runs.size() == 2, ls.out());
        assertEquals(List.of("failed", "succeeded"), names(runs, "state"));

        Run yaml = strata(Map.of(), null, "runs", "show", runs.get(0).path("id").asText(), "-o", "yaml");
        assertTrue(yaml.out().contains("state: failed"), yaml.out());
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void errorsGiveTheirExitCodeAndOneSentence() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run unreachable = strata(Map.of("STRATA_URL", "http://127.0.0.1:" + closed, "STRATA_TOKEN", apiToken), null,
                "runs", "ls");
        assertEquals(ExitCodes.UNREACHABLE, unreachable.exitCode(), unreachable.all());
        assertOneSentence(unreachable, "Error: cannot reach the Strata platform at http://127.0.0.1:" + closed
                + " (connection refused)");

        Run expired = strata(Map.of("STRATA_URL", gateway, "STRATA_TOKEN", "strata_pat_" + "x".repeat(43)), null,
                "runs", "ls");
        assertEquals(ExitCodes.NOT_SIGNED_IN, expired.exitCode(), expired.all());
        assertOneSentence(expired, "Error: the platform at " + gateway + " did not accept your sign-in");

        String viewer = serviceAccountToken("viewer");
        Run refused = strata(Map.of("STRATA_URL", gateway, "STRATA_TOKEN", viewer), null, "pipeline", "trigger",
                "clitest.good");
        assertEquals(ExitCodes.REFUSED, refused.exitCode(), refused.all());
        assertOneSentence(refused, "Error: refused");
        assertFalse(refused.all().contains(viewer));

        Run notFound = strata(Map.of(), null, "pipeline", "show", "clitest.nothing");
        assertEquals(ExitCodes.NOT_FOUND, notFound.exitCode(), notFound.all());

        Run usage = strata(Map.of(), null, "pipeline", "trigger", "nodot");
        assertEquals(ExitCodes.USAGE, usage.exitCode(), usage.all());
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void loginInTheBrowserWithPkceAndLogout() throws Exception {
        Properties stack = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        String password = stack.getProperty(Platform.ADMIN_PASSWORD_KEY);
        Path pkceConfig = tmp.resolve("pkce-config");
        System.setProperty("strata.config.dir", pkceConfig.toString());
        // the "browser": an HTTP client that opens the real sign-in page and submits it as a person would
        LoginCommand.browser = url -> new Thread(() -> signInAt(url, password)).start();
        try {
            Cli.Result login = Cli.run("login", gateway, "--context", "browser");
            assertEquals(0, login.exitCode(), login.err());
            assertTrue(login.out().contains("Signed in to " + gateway + " as admin (context browser)"), login.out());
            Contexts.Credentials signIn = Contexts.load().credentials("browser").orElseThrow();
            assertTrue(signIn.refreshToken() != null && signIn.accessToken() != null);
            assertFalse(login.out().contains(signIn.accessToken()));

            // an access token about to expire is refreshed on its own (and the rotated one stored)
            Contexts contexts = Contexts.load();
            contexts.setCredentials("browser", new Contexts.Credentials(null, signIn.accessToken(),
                    signIn.refreshToken(), Instant.now().getEpochSecond()));
            contexts.save();
            Cli.Result whoami = Cli.run("whoami");
            assertEquals(0, whoami.exitCode(), whoami.err());
            Contexts.Credentials refreshed = Contexts.load().credentials("browser").orElseThrow();
            assertNotEquals(signIn.refreshToken(), refreshed.refreshToken());

            Cli.Result logout = Cli.run("logout");
            assertEquals(0, logout.exitCode(), logout.err());
            assertTrue(Contexts.load().credentials("browser").isEmpty());
            Cli.Result after = Cli.run("whoami");
            assertEquals(ExitCodes.NOT_SIGNED_IN, after.exitCode(), after.err());
            // the revoked refresh token no longer works at the issuer
            HttpResponse<String> reuse = form("/oauth2/token", Map.of("grant_type", "refresh_token",
                    "refresh_token", refreshed.refreshToken(), "client_id", "strata-cli"));
            assertEquals(400, reuse.statusCode(), reuse.body());
        } finally {
            System.clearProperty("strata.config.dir");
        }
    }

    @Test
    @Order(5)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void loginWithTheDeviceGrant() throws Exception {
        Properties stack = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        Path deviceConfig = tmp.resolve("device-config");
        ProcessBuilder builder = Launcher.cli("login", gateway, "--device", "--context", "device")
                .redirectErrorStream(true);
        builder.environment().put("STRATA_CONFIG_DIR", deviceConfig.toString());
        Process login = builder.start();
        Output lines = new Output(login, null);
        assertTrue(lines.await("and enter the code", Duration.ofSeconds(60)), lines.toString());
        java.util.regex.Matcher code = java.util.regex.Pattern.compile("enter the code ([A-Z]{4}-[A-Z]{4})")
                .matcher(lines.toString());
        assertTrue(code.find(), lines.toString());
        // the person, at the verification page (through the gateway), approves the code the terminal shows
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(gateway + "/oauth2/device?user_code="
                + code.group(1))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        HttpResponse<String> approved = form("/oauth2/device", Map.of("user_code", code.group(1), "username", "admin",
                "password", stack.getProperty(Platform.ADMIN_PASSWORD_KEY), "action", "approve"));
        assertTrue(approved.body().contains("The device is signed in as admin"), approved.body());
        assertTrue(login.waitFor(90, TimeUnit.SECONDS), lines.toString());
        lines.join();
        assertEquals(0, login.exitValue(), lines.toString());
        assertTrue(lines.toString().contains("Signed in to " + gateway + " as admin (context device)"),
                lines.toString());
        String credentials = Files.readString(deviceConfig.resolve(Contexts.CREDENTIALS_FILE));
        assertTrue(credentials.contains("context.device.refresh-token="), "a refresh token is kept");
    }

    /**
     * A token for scripts without a browser: signed in with the device grant (the context {@link #loginWithTheDeviceGrant}
     * made), {@code token create} prints the token once; a fresh context signs in with it ({@code --token -}), uses it,
     * and after {@code token revoke} gets 401 as exit code 4 with one sentence saying what to do.
     */
    @Test
    @Order(6)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aPersonalApiTokenFromTheDeviceLoginWithoutABrowser() throws Exception {
        Map<String, String> device = Map.of("STRATA_CONFIG_DIR", tmp.resolve("device-config").toString());
        Run created = strata(device, null, "token", "create", "--name", "nightly-job", "--expires", "30d");
        assertEquals(0, created.exitCode(), created.all());
        String token = created.out().strip();
        assertTrue(token.startsWith("strata_pat_") && token.lines().count() == 1, created.out());
        assertTrue(created.err().contains("Created API token 'nightly-job'") && created.err().contains(
                "It is shown this once"), created.err());
        assertFalse(created.err().contains(token), "the token only on standard output");

        Run listed = strata(device, null, "token", "ls", "-o", "json");
        assertEquals(0, listed.exitCode(), listed.all());
        JsonNode tokens = Api.json().readTree(listed.out());
        assertTrue(names(tokens, "name").contains("nightly-job"), listed.out());
        assertFalse(listed.out().contains(token), "never the token in a list");
        JsonNode mine = java.util.stream.StreamSupport.stream(tokens.spliterator(), false)
                .filter(t -> t.path("name").asText().equals("nightly-job")).findFirst().orElseThrow();
        long days = Duration.between(Instant.now(), Instant.parse(mine.path("expiresAt").asText())).toDays();
        assertTrue(days >= 29 && days <= 30, mine.toString());

        // a fresh context (another config directory, as on a CI runner) signs in with the token and uses it
        Map<String, String> ci = Map.of("STRATA_CONFIG_DIR", tmp.resolve("ci-config").toString());
        Run login = strata(ci, token + "\n", "login", gateway, "--context", "ci", "--token", "-");
        assertEquals(0, login.exitCode(), login.all());
        Run whoami = strata(ci, null, "whoami", "-o", "json");
        assertEquals(0, whoami.exitCode(), whoami.all());
        assertTrue(whoami.out().contains("admin"), whoami.out());
        assertFalse(whoami.all().contains(token));

        Run revoked = strata(device, null, "token", "revoke", "nightly-job");
        assertEquals(0, revoked.exitCode(), revoked.all());
        assertTrue(revoked.out().contains("Revoked API token 'nightly-job' (id " + mine.path("id").asText() + ")"),
                revoked.out());
        // refused at the issuer at once, at the gateway once its cached JWT is older than strata.gateway.api-token-cache
        Run refused = strata(ci, null, "ns", "ls");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (refused.exitCode() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            refused = strata(ci, null, "ns", "ls");
        }
        assertEquals(ExitCodes.NOT_SIGNED_IN, refused.exitCode(), refused.all());
        assertOneSentence(refused, "Error: the platform at " + gateway + " did not accept your sign-in (context 'ci')");
        assertTrue(refused.err().contains("its API token was revoked or has expired"), refused.err());
        Run again = strata(device, null, "token", "revoke", "nightly-job");
        assertEquals(ExitCodes.NOT_FOUND, again.exitCode(), again.all());
    }

    @Test
    @Order(9)
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void restartOneService() throws Exception {
        Path runDir = dataDir.toRealPath().resolve("run");
        long before = pid(runDir, "scheduler");
        Launcher.Result restart = Launcher.run(Duration.ofMinutes(4), "restart", "scheduler", "--data-dir",
                dataDir.toString());
        assertEquals(0, restart.exitCode(), restart.output());
        assertTrue(restart.output().contains("scheduler restarted (pid " + before + " → "), restart.output());
        long after = pid(runDir, "scheduler");
        assertNotEquals(before, after);
        assertTrue(ProcessHandle.of(after).map(p -> p.parent().map(ProcessHandle::pid).orElse(0L))
                .orElse(0L) == launcher.pid(), "the new scheduler is the launcher's child");
        assertTrue(ProcessHandle.of(before).isEmpty() || !ProcessHandle.of(before).get().isAlive());
        // and it serves: a run goes through it
        Run succeeded = strata(Map.of(), null, "pipeline", "trigger", "clitest.good", "--wait", "--timeout", "3m");
        assertEquals(0, succeeded.exitCode(), succeeded.all());

        Launcher.Result unknown = Launcher.run(Duration.ofSeconds(60), "restart", "warehouse", "--data-dir",
                dataDir.toString());
        assertEquals(1, unknown.exitCode(), unknown.output());
        assertTrue(unknown.output().contains("unknown service 'warehouse'"), unknown.output());
    }

    private static long pid(Path runDir, String service) {
        return PlatformState.read(runDir).orElseThrow().services().stream().filter(s -> s.name().equals(service))
                .findFirst().orElseThrow().pid();
    }

    private static void assertOneSentence(Run run, String start) {
        String err = run.err().strip();
        assertTrue(err.startsWith(start), err);
        assertEquals(1, err.lines().count(), "one line, no stack trace: " + err);
        assertTrue(run.out().isBlank(), run.out());
    }

    private static List<String> names(JsonNode array, String field) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(n -> n.path(field).asText())
                .toList();
    }

    /** {@code strata <args>} as a separate JVM with this test's config directory, optional stdin. */
    private Run strata(Map<String, String> env, String stdin, String... args) throws Exception {
        ProcessBuilder builder = Launcher.cli(args);
        builder.environment().put("STRATA_CONFIG_DIR", config.toString());
        builder.environment().remove("STRATA_URL");
        builder.environment().remove("STRATA_TOKEN");
        builder.environment().putAll(env);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("strata " + String.join(" ", args) + " did not end");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private void signInAt(String authorizeUrl, String password) {
        try {
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(authorizeUrl)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), page.body());
            assertTrue(page.body().contains("<form"), page.body());
            Map<String, String> fields = new LinkedHashMap<>();
            for (String pair : URI.create(authorizeUrl).getRawQuery().split("&")) {
                String[] kv = pair.split("=", 2);
                fields.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
            fields.put("username", "admin");
            fields.put("password", password);
            HttpResponse<String> submitted = form("/oauth2/authorize", fields);
            assertEquals(302, submitted.statusCode(), submitted.body());
            String location = submitted.headers().firstValue("Location").orElseThrow();
            http.send(HttpRequest.newBuilder(URI.create(location)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> form(String path, Map<String, String> fields) throws Exception {
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        return http.send(HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String serviceAccountToken(String role) throws Exception {
        HttpResponse<String> created = call("POST", "/api/auth/v1/service-accounts", adminToken,
                "{\"name\":\"cli-" + role + "\",\"bindings\":[{\"namespace\":\"" + NS + "\",\"role\":\"" + role
                        + "\"}]}");
        assertEquals(201, created.statusCode(), created.body());
        JsonNode account = json.readTree(created.body());
        HttpResponse<String> token = form("/oauth2/token", Map.of("grant_type", "client_credentials", "client_id",
                account.path("clientId").asText(), "client_secret", account.path("clientSecret").asText()));
        assertEquals(200, token.statusCode());
        return json.readTree(token.body()).path("access_token").asText();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(gateway + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
