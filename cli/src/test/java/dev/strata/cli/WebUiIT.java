package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in a real browser against the platform as a user runs it ({@code strata up}): Debian's Chromium, driven by
 * {@code playwright-core} from the gateway's {@code src/main/webui/e2e/golden-path.mjs}, signs in through the real
 * login page, writes a pipeline in the editor (the typo underlined), triggers it and watches the run turn green, walks
 * the lineage to the preview, the projects, notifications and access pages, and checks what a viewer and another
 * namespace's data look like. axe-core on each page; screenshots into {@code target/ui-screenshots/}
 * ({@code -Dstrata.ui.screenshots=../docs/ui} for the README's). Chromium is installed with apt-get when missing.
 */
@Tag("ui")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiIT {

    private static final String NS = "shop";
    private static final String OTHER = "rivals";
    private static final List<String> NEEDED = List.of("gateway", "auth", "registry", "ingest", "scheduler",
            "transform", "notifier");

    @TempDir
    static Path tmp;

    private UiPlatform platform;

    @BeforeAll
    void startThePlatform() throws Exception {
        List<String> selected = Services.select(System.getenv("STRATA_SERVICES"));
        assumeTrue(selected.containsAll(NEEDED), "the web UI test needs " + NEEDED);
        // the pipeline's tasks are sql tasks run by the scheduler; the projects page pushes and builds a transform
        // project, the notifications page delivers a run event; all seven describe themselves for the check of the
        // UI's generated API types. A task log keeps up to 100,000 lines here (10,000 by default): the walk streams
        // one that long
        platform = UiPlatform.start(tmp, NEEDED, "web-ui-it-launcher.log",
                Map.of("STRATA_TASK_LOG_MAX_LINES", "100010"));
    }

    @AfterAll
    void stopThePlatform() throws Exception {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Timeout(value = 13, unit = TimeUnit.MINUTES)
    void theGoldenPathInARealBrowser() throws Exception {
        // what an admin sets up through the API: two namespaces, an engineer and a viewer of the first, an admin of
        // all, datasets
        platform.namespace(NS);
        platform.namespace(OTHER);
        String engineerPassword = UiPlatform.password();
        String viewerPassword = UiPlatform.password();
        String adminPassword = UiPlatform.password();
        platform.user("ada", engineerPassword, NS, "engineer");
        platform.user("vic", viewerPassword, NS, "viewer");
        platform.user("ana", adminPassword, "*", "admin");
        platform.dataset(NS, "orders", "raw", "[{\"name\":\"order_id\",\"type\":\"bigint\"},"
                + "{\"name\":\"customer\",\"type\":\"text\"},{\"name\":\"amount\",\"type\":\"numeric\"},"
                + "{\"name\":\"ordered_on\",\"type\":\"date\"}]");
        platform.dataset(NS, "customer_totals", "gold", "[{\"name\":\"customer\",\"type\":\"text\"},"
                + "{\"name\":\"amount\",\"type\":\"numeric\"}]");
        platform.dataset(OTHER, "secret_plans", "gold", "[{\"name\":\"plan\",\"type\":\"text\"}]");
        HttpResponse<String> lineage = platform.send("PUT", "/api/registry/v1/lineage/" + NS + "/customer_totals",
                "{\"upstream\":[{\"dataset\":\"" + NS
                        + ".orders\",\"columns\":[{\"from\":\"amount\",\"to\":\"amount\"}]}]}");
        assertEquals(200, lineage.statusCode(), lineage.body());

        // the example project as a zip, and a copy with a broken ref for the compile errors
        Path example = Path.of("..", "docs", "examples", "sales").toAbsolutePath().normalize();
        Path project = zip(example, tmp.resolve("sales.zip"), null);
        Path broken = zip(example, tmp.resolve("sales-broken.zip"), "models/gold/gold_daily_sales.sql");
        platform.walk("golden-path.mjs", Map.of("STRATA_NS", NS, "STRATA_OTHER_NS", OTHER,
                "STRATA_ENGINEER", "ada", "STRATA_ENGINEER_PASSWORD", engineerPassword,
                "STRATA_VIEWER", "vic", "STRATA_VIEWER_PASSWORD", viewerPassword,
                "STRATA_ADMIN", "ana", "STRATA_ADMIN_PASSWORD", adminPassword,
                "STRATA_PROJECT_ZIP", project.toString(), "STRATA_BROKEN_PROJECT_ZIP", broken.toString()),
                Duration.ofMinutes(11));
        assertTrue(Files.exists(UiPlatform.screenshots().resolve("run.png")), "the run page's screenshot");
    }

    /** The UI's committed {@code src/api-types.ts} is what openapi-typescript makes of the services' descriptions. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void theUisApiTypesMatchWhatTheServicesDescribe() throws Exception {
        UiPlatform.installNodeModules();
        Process check = new ProcessBuilder("node", "scripts/api-types.mjs", "--check", platform.gateway())
                .directory(UiPlatform.WEBUI.toFile()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, check.waitFor(), out);
        assertTrue(out.contains("matches"), out);
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
}
