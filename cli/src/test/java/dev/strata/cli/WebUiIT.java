package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.devstack.quarkus.IssuerClient;

/**
 * The web UI in a real browser against the platform as a user runs it ({@code strata up}): Debian's Chromium, driven by
 * {@code playwright-core} from the gateway's {@code src/main/webui/e2e/golden-path.mjs}, signs in through the real
 * login page, writes a pipeline in the editor (the typo underlined), triggers it and watches the run turn green, walks
 * the lineage to the preview, and checks what a viewer and another namespace's data look like; then the run page's task
 * logs, Gantt, retry, the runs × tasks grid, bulk cancel/retry, the projects page (a push with a compile error, then the
 * example project and a build), notifications (write-only secrets, a dead letter resent) and access (as an admin on
 * {@code *}; an engineer gets the server's 403). axe-core on each page;
 * screenshots into {@code target/ui-screenshots/} ({@code -Dstrata.ui.screenshots=../docs/ui} for the README's). Chromium is installed with apt-get when missing.
 */
@Tag("ui")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(6);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String NS = "shop";
    private static final String OTHER = "rivals";
    private static final List<String> NEEDED = List.of("gateway", "auth", "registry", "ingest", "scheduler",
            "transform", "notifier");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @TempDir
    static Path tmp;

    private Process launcher;
    private Launcher.Output output;
    private Path dataDir;
    private String gateway;
    private String token;

    @BeforeAll
    void startThePlatform() throws Exception {
        List<String> selected = Services.select(System.getenv("STRATA_SERVICES"));
        assumeTrue(selected.containsAll(NEEDED), "the web UI test needs " + NEEDED);
        installChromium();

        dataDir = tmp.resolve("data");
        // any free port when 8080 is taken (another platform on the machine): the port is read back below
        ProcessBuilder up = Launcher.cli("up", "--data-dir", dataDir.toString(), "--gateway-port", "auto",
                "--timeout", READY_WITHIN.toSeconds() + "s").redirectErrorStream(true);
        // only what the pages walked here read: the pipeline's tasks are sql tasks run by the scheduler; the projects
        // page pushes and builds a transform project, the notifications page delivers a run event; all seven describe
        // themselves for the check of the UI's generated API types
        up.environment().put("STRATA_SERVICES", String.join(",", NEEDED));
        launcher = up.start();
        output = new Launcher.Output(launcher, Path.of("target", "web-ui-it-launcher.log"));
        if (!output.await("Strata is ready in", READY_WITHIN.plusSeconds(30))) {
            fail("strata up did not get ready:\n" + output);
        }
        PlatformState state = PlatformState.read(dataDir.toRealPath().resolve("run")).orElseThrow();
        gateway = "http://127.0.0.1:" + state.services().stream().filter(s -> s.name().equals("gateway"))
                .mapToInt(PlatformState.Entry::port).findFirst().orElseThrow();
        Properties stack = new Properties();
        try (InputStream in = Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        token = new IssuerClient(gateway, stack.getProperty(Platform.ADMIN_PASSWORD_KEY)).adminToken();
    }

    @AfterAll
    void stopThePlatform() throws Exception {
        if (launcher != null) {
            if (launcher.isAlive()) {
                Launcher.Result down = Launcher.run(Duration.ofSeconds(150), "down", "--data-dir",
                        dataDir.toString());
                assertEquals(0, down.exitCode(), down.output());
            }
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher exited");
            output.close();
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theGoldenPathInARealBrowser() throws Exception {
        // what an admin sets up through the API: two namespaces, an engineer and a viewer of the first, datasets
        for (String ns : List.of(NS, OTHER)) {
            HttpResponse<String> created = send("POST", "/api/auth/v1/namespaces", "{\"name\":\"" + ns + "\"}");
            assertTrue(created.statusCode() == 201 || created.statusCode() == 409, created.body());
        }
        String engineerPassword = password();
        String viewerPassword = password();
        String adminPassword = password();
        user("ada", engineerPassword, NS, "engineer");
        user("vic", viewerPassword, NS, "viewer");
        user("ana", adminPassword, "*", "admin");
        dataset(NS, "orders", "raw", "[{\"name\":\"order_id\",\"type\":\"bigint\"},"
                + "{\"name\":\"customer\",\"type\":\"text\"},{\"name\":\"amount\",\"type\":\"numeric\"},"
                + "{\"name\":\"ordered_on\",\"type\":\"date\"}]");
        dataset(NS, "customer_totals", "gold", "[{\"name\":\"customer\",\"type\":\"text\"},"
                + "{\"name\":\"amount\",\"type\":\"numeric\"}]");
        dataset(OTHER, "secret_plans", "gold", "[{\"name\":\"plan\",\"type\":\"text\"}]");
        HttpResponse<String> lineage = send("PUT", "/api/registry/v1/lineage/" + NS + "/customer_totals",
                "{\"upstream\":[{\"dataset\":\"" + NS
                        + ".orders\",\"columns\":[{\"from\":\"amount\",\"to\":\"amount\"}]}]}");
        assertEquals(200, lineage.statusCode(), lineage.body());

        Path webui = webui();
        // docs/ui/ when asked (-Dstrata.ui.screenshots=../docs/ui refreshes the README's pictures), else target/, so
        // that a test run leaves the checkout as it was
        Path screenshots = Path.of(System.getProperty("strata.ui.screenshots", "target/ui-screenshots"))
                .toAbsolutePath().normalize();
        Files.createDirectories(screenshots);
        List<String> command = new ArrayList<>(List.of("node", "e2e/golden-path.mjs"));
        ProcessBuilder browser = new ProcessBuilder(command).directory(webui.toFile()).redirectErrorStream(true);
        browser.environment().put("STRATA_URL", gateway);
        browser.environment().put("STRATA_NS", NS);
        browser.environment().put("STRATA_OTHER_NS", OTHER);
        browser.environment().put("STRATA_ENGINEER", "ada");
        browser.environment().put("STRATA_ENGINEER_PASSWORD", engineerPassword);
        browser.environment().put("STRATA_VIEWER", "vic");
        browser.environment().put("STRATA_VIEWER_PASSWORD", viewerPassword);
        browser.environment().put("STRATA_ADMIN", "ana");
        browser.environment().put("STRATA_ADMIN_PASSWORD", adminPassword);
        // the example project as a zip, and a copy with a broken ref for the compile errors
        Path example = Path.of("..", "docs", "examples", "sales").toAbsolutePath().normalize();
        browser.environment().put("STRATA_PROJECT_ZIP", zip(example, tmp.resolve("sales.zip"), null).toString());
        browser.environment().put("STRATA_BROKEN_PROJECT_ZIP", zip(example, tmp.resolve("sales-broken.zip"),
                "models/gold/gold_daily_sales.sql").toString());
        browser.environment().put("STRATA_SCREENSHOTS", screenshots.toString());
        browser.environment().put("STRATA_CHROMIUM", CHROMIUM.toString());
        Process walk = browser.start();
        Launcher.Output steps = new Launcher.Output(walk, Path.of("target", "web-ui-it-browser.log"));
        if (!walk.waitFor(8, TimeUnit.MINUTES)) {
            walk.destroyForcibly();
            fail("the browser walk did not finish in 8 minutes:\n" + steps);
        }
        steps.join();
        String result = steps.toString();
        assertEquals(0, walk.exitValue(), "steps of the browser walk failed:\n" + result);
        assertTrue(result.contains(" passed, 0 failed"), result);
        assertTrue(Files.exists(screenshots.resolve("run.png")), "the run page's screenshot");
    }

    /** The UI's committed {@code src/api-types.ts} is what openapi-typescript makes of the services' descriptions. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theUisApiTypesMatchWhatTheServicesDescribe() throws Exception {
        Path webui = webui();
        Process check = new ProcessBuilder("node", "scripts/api-types.mjs", "--check", gateway)
                .directory(webui.toFile()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), out);
        assertTrue(out.contains("matches"), out);
    }

    /** The UI's sources, with their node modules (the gateway's build installs them; a build of this module alone may not have). */
    private static Path webui() throws Exception {
        Path webui = Path.of("..", "services", "gateway", "src", "main", "webui").toAbsolutePath().normalize();
        if (!Files.isDirectory(webui.resolve("node_modules/playwright-core"))
                || !Files.isDirectory(webui.resolve("node_modules/openapi-typescript"))) {
            Process install = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline")
                    .directory(webui.toFile()).redirectErrorStream(true).start();
            String log = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, install.waitFor(), "npm ci in " + webui + ":\n" + log);
        }
        return webui;
    }

    private void user(String name, String password, String ns, String role) throws Exception {
        HttpResponse<String> created = send("POST", "/api/auth/v1/users", "{\"username\":\"" + name
                + "\",\"email\":\"" + name + "@shop.test\",\"password\":\"" + password + "\"}");
        assertEquals(201, created.statusCode(), created.statusCode() + " creating " + name);
        HttpResponse<String> bound = send("POST", "/api/auth/v1/role-bindings", "{\"principalKind\":\"user\","
                + "\"principal\":\"" + name + "\",\"namespace\":\"" + ns + "\",\"role\":\"" + role + "\"}");
        assertTrue(bound.statusCode() == 201 || bound.statusCode() == 200, bound.body());
    }

    /** The project's files (not its {@code data/}) as a zip; {@code broken}'s third line refs a model that is not there. */
    private static Path zip(Path project, Path target, String broken) throws IOException {
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(target));
                var files = Files.walk(project)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = project.relativize(file).toString().replace('\\', '/');
                if (name.startsWith("data/")) {
                    continue;
                }
                String text = Files.readString(file);
                if (name.equals(broken)) {
                    List<String> lines = new ArrayList<>(text.lines().toList());
                    lines.add(2, "-- {{ ref('no_such_model') }}");
                    text = String.join("\n", lines) + "\n";
                }
                out.putNextEntry(new java.util.zip.ZipEntry(name));
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return target;
    }

    private void dataset(String ns, String name, String layer, String columns) throws Exception {
        HttpResponse<String> created = send("POST", "/api/registry/v1/datasets", "{\"namespace\":\"" + ns
                + "\",\"name\":\"" + name + "\",\"layer\":\"" + layer + "\",\"owner\":\"data-team\",\"columns\":"
                + columns + "}");
        assertEquals(201, created.statusCode(), created.body());
    }

    private static String password() {
        return "Pw-" + UUID.randomUUID() + "-x";
    }

    private HttpResponse<String> send(String method, String path, String body)
            throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(gateway + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
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
