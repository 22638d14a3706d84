package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import dev.strata.devstack.Ports;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * What the browser tests ({@link WebUiIT}, {@link SqlWorkspaceIT}) share: the platform as a user runs it
 * ({@code strata up} with the services a walk needs), the admin's API calls that set up users and data, and a walk
 * script of the gateway's {@code src/main/webui/e2e/} run by node with playwright-core driving Debian's Chromium
 * (installed with apt-get when missing). Screenshots go to {@code target/ui-screenshots/}, or to
 * {@code -Dstrata.ui.screenshots=../docs/ui} for the README's.
 */
final class UiPlatform implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofMinutes(6);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path WEBUI = Path.of("..", "services", "gateway", "src", "main", "webui").toAbsolutePath().normalize();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Process launcher;
    private final Launcher.Output output;
    private final Path dataDir;
    private final String gateway;
    private final String token;

    private UiPlatform(Process launcher, Launcher.Output output, Path dataDir, String gateway, String token) {
        this.launcher = launcher;
        this.output = output;
        this.dataDir = dataDir;
        this.gateway = gateway;
        this.token = token;
    }

    /** {@code strata up} with only these services, ready, and the admin's token. */
    static UiPlatform start(Path tmp, List<String> services, String logName) throws Exception {
        return start(tmp, services, logName, Map.of());
    }

    /** {@code strata up} with only these services and {@code env} (configuration for the services), ready. */
    static UiPlatform start(Path tmp, List<String> services, String logName, Map<String, String> env)
            throws Exception {
        installChromium();
        Path dataDir = tmp.resolve("data");
        // a port of its own: 8080 may be another platform's on a shared machine, whose gateway would then answer
        ProcessBuilder up = Launcher.cli("up", "--data-dir", dataDir.toString(), "--timeout",
                READY_WITHIN.toSeconds() + "s", "--gateway-port", String.valueOf(Ports.free()))
                .redirectErrorStream(true);
        up.environment().putAll(env);
        up.environment().put("STRATA_SERVICES", String.join(",", services));
        Process launcher = up.start();
        Launcher.Output output = new Launcher.Output(launcher, Path.of("target", logName));
        if (!output.await("Strata is ready in", READY_WITHIN.plusSeconds(30))) {
            fail("strata up did not get ready:\n" + output);
        }
        PlatformState state = PlatformState.read(dataDir.toRealPath().resolve("run")).orElseThrow();
        String gateway = "http://127.0.0.1:" + state.services().stream().filter(s -> s.name().equals("gateway"))
                .mapToInt(PlatformState.Entry::port).findFirst().orElseThrow();
        Properties stack = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        String token = new IssuerClient(gateway, stack.getProperty(Platform.ADMIN_PASSWORD_KEY)).adminToken();
        return new UiPlatform(launcher, output, dataDir, gateway, token);
    }

    String gateway() {
        return gateway;
    }

    @Override
    public void close() throws Exception {
        if (launcher.isAlive()) {
            Launcher.Result down = Launcher.run(Duration.ofSeconds(150), "down", "--data-dir", dataDir.toString());
            assertEquals(0, down.exitCode(), down.output());
        }
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher exited");
        output.close();
    }

    void namespace(String ns) throws Exception {
        HttpResponse<String> created = send("POST", "/api/auth/v1/namespaces", "{\"name\":\"" + ns + "\"}");
        assertTrue(created.statusCode() == 201 || created.statusCode() == 409, created.body());
    }

    /** A user, bound to {@code ns} with {@code role}. */
    void user(String name, String password, String ns, String role) throws Exception {
        HttpResponse<String> created = send("POST", "/api/auth/v1/users", "{\"username\":\"" + name
                + "\",\"email\":\"" + name + "@shop.test\",\"password\":\"" + password + "\"}");
        assertEquals(201, created.statusCode(), created.statusCode() + " creating " + name);
        HttpResponse<String> bound = send("POST", "/api/auth/v1/role-bindings", "{\"principalKind\":\"user\","
                + "\"principal\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"role\":\"" + role + "\"}");
        assertTrue(bound.statusCode() == 201 || bound.statusCode() == 200, bound.body());
    }

    void dataset(String ns, String name, String layer, String columns) throws Exception {
        HttpResponse<String> created = send("POST", "/api/registry/v1/datasets", "{\"namespace\":\"" + ns
                + "\",\"name\":\"" + name + "\",\"layer\":\"" + layer + "\",\"owner\":\"data-team\",\"columns\":"
                + columns + "}");
        assertEquals(201, created.statusCode(), created.body());
    }

    static String password() {
        return "Pw-" + UUID.randomUUID() + "-x";
    }

    HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, "application/json", body);
    }

    HttpResponse<String> send(String method, String path, String contentType, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Where the walk's screenshots go: docs/ui/ when asked, else target/, so a test run leaves the checkout as it was. */
    static Path screenshots() throws IOException {
        Path screenshots = Path.of(System.getProperty("strata.ui.screenshots", "target/ui-screenshots"))
                .toAbsolutePath().normalize();
        Files.createDirectories(screenshots);
        return screenshots;
    }

    /**
     * Runs {@code e2e/<script>} against this platform with {@code env} (plus STRATA_URL, STRATA_SCREENSHOTS and
     * STRATA_CHROMIUM) and asserts that every step passed; its output is kept in {@code target/<script>.log}.
     */
    String walk(String script, Map<String, String> env, Duration within) throws Exception {
        installNodeModules();
        ProcessBuilder browser = new ProcessBuilder("node", "e2e/" + script).directory(WEBUI.toFile())
                .redirectErrorStream(true);
        browser.environment().putAll(env);
        browser.environment().put("STRATA_URL", gateway);
        browser.environment().put("STRATA_SCREENSHOTS", screenshots().toString());
        browser.environment().put("STRATA_CHROMIUM", CHROMIUM.toString());
        Process walk = browser.start();
        Launcher.Output steps = new Launcher.Output(walk, Path.of("target", script + ".log"));
        if (!walk.waitFor(within.toSeconds(), TimeUnit.SECONDS)) {
            walk.destroyForcibly();
            fail("the browser walk did not finish in " + within.toMinutes() + " minutes:\n" + steps);
        }
        steps.join();
        String result = steps.toString();
        assertEquals(0, walk.exitValue(), "steps of the browser walk failed:\n" + result);
        assertTrue(result.contains(" passed, 0 failed"), result);
        return result;
    }

    /** The UI's node modules (the gateway's build installs them; a build of this module alone may not have). */
    static void installNodeModules() throws Exception {
        if (!Files.isDirectory(WEBUI.resolve("node_modules/playwright-core"))
                || !Files.isDirectory(WEBUI.resolve("node_modules/openapi-typescript"))) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                    .directory(WEBUI.toFile()).redirectErrorStream(true).start();
            String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, install.waitFor(), "npm ci in " + WEBUI + ":\n" + log);
        }
    }

    /** Debian's Chromium, installed when missing (the test runs as root, as CI does). */
    private static void installChromium() throws Exception {
        if (Files.isExecutable(CHROMIUM)) {
            return;
        }
        Process apt = new ProcessBuilder("bash", "-c", "apt-get update -q && DEBIAN_FRONTEND=noninteractive"
                + " apt-get install -y -q chromium").redirectErrorStream(true).start();
        String log = new String(apt.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (apt.waitFor() != 0 || !Files.isExecutable(CHROMIUM)) {
            fail("the web UI tests need Chromium at " + CHROMIUM + " and could not install it with apt-get install -y"
                    + " chromium (run it as root, or install it by hand):\n" + log.substring(Math.max(0,
                            log.length() - 2000)));
        }
    }
}
