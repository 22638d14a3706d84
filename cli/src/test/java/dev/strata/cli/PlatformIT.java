package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.strata.cli.Launcher.Output;
import dev.strata.cli.Launcher.Result;
import dev.strata.cli.PlatformState.Entry;

/**
 * The real launcher, as a user runs it: {@code java -jar strata-cli.jar up} with all services (or those in
 * {@code STRATA_SERVICES}), then status, a service killed with SIGKILL, and down. Afterwards no process of the
 * platform may be left and the data directory must still be there.
 */
class PlatformIT {

    private static final Duration READY_WITHIN = Duration.ofMinutes(6);

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void upStatusKillAServiceAndDown() throws Exception {
        Path dataDir = tmp.resolve("data");
        List<String> expected = Services.select(System.getenv("STRATA_SERVICES"));
        Process launcher = Launcher
                .cli("up", "--data-dir", dataDir.toString(), "--timeout", READY_WITHIN.toSeconds() + "s")
                .redirectErrorStream(true)
                .start();
        Output output = new Output(launcher, Path.of("target", "platform-it-launcher.log"));
        Map<String, Long> seen = new LinkedHashMap<>();
        try {
            if (!output.await("Strata is ready in", READY_WITHIN.plusSeconds(30))) {
                fail("strata up did not get ready:\n" + output);
            }
            assertTrue(output.await("Press Ctrl-C or run ./strata down to stop.", Duration.ofSeconds(5)));
            PlatformState state = PlatformState.read(dataDir.toRealPath().resolve("run")).orElseThrow();
            assertEquals(expected, state.services().stream().map(Entry::name).toList());
            assertEquals(List.of("postgres", "kafka", "s3", "redis"),
                    state.infrastructure().stream().map(Entry::name).sorted(this::infraOrder).toList());
            for (Entry entry : state.allProcesses()) {
                assertTrue(entry.pid() > 0, entry.name() + " has no pid");
                seen.put(entry.name(), entry.pid());
            }
            remember(seen, launcher.toHandle());
            remember(seen, ProcessHandle.of(seen.get("postgres")).orElseThrow());
            for (Entry service : state.services()) {
                assertTrue(output.toString().contains("pid " + service.pid()), "the ready text lists " + service);
            }

            // status: every process up, each service ready
            Result status = Launcher.run(Duration.ofSeconds(60), "status", "--data-dir", dataDir.toString());
            assertEquals(0, status.exitCode(), status.output());
            for (Entry service : state.services()) {
                assertTrue(Pattern.compile("(?m)^" + service.name() + "\\s+" + service.pid() + "\\s+"
                        + service.port() + "\\s+ready\\s+\\d+ MB").matcher(status.output()).find(), status.output());
            }

            // one login through the gateway: the admin signs in at the issuer behind it, and the token opens a service
            if (expected.containsAll(List.of("gateway", "auth", "registry"))) {
                signInThroughTheGateway(dataDir, state);
            }

            // a service killed with SIGKILL is reported in plain words; the others keep running
            Entry victim = state.services().stream().filter(s -> s.name().equals("registry")).findFirst()
                    .orElse(state.services().get(0));
            ProcessHandle.of(victim.pid()).orElseThrow().destroyForcibly();
            String sentence = victim.name() + " (pid " + victim.pid() + ") stopped unexpectedly (killed by signal 9)."
                    + " Its log: " + dataDir.toRealPath().resolve("logs").resolve(victim.name() + ".log")
                    + ". The others keep running; ./strata down stops everything.";
            assertTrue(output.await(sentence, Duration.ofSeconds(15)), output.toString());
            assertTrue(launcher.isAlive());
            Result afterKill = Launcher.run(Duration.ofSeconds(60), "status", "--data-dir", dataDir.toString());
            assertEquals(3, afterKill.exitCode(), afterKill.output());
            assertTrue(Pattern.compile("(?m)^" + victim.name() + "\\s+" + victim.pid() + "\\s+\\d+\\s+dead")
                    .matcher(afterKill.output()).find(), afterKill.output());

            // down: the launcher stops everything and exits; nothing is left, the data stays
            Result down = Launcher.run(Duration.ofSeconds(150), "down", "--data-dir", dataDir.toString());
            assertEquals(0, down.exitCode(), down.output());
            assertTrue(down.output().contains("Stopped launcher (pid " + launcher.pid() + ")"), down.output());
            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher exited");
            assertTrue(output.await("Strata stopped.", Duration.ofSeconds(5)), output.toString());
            for (Map.Entry<String, Long> process : seen.entrySet()) {
                assertGone(process.getKey(), process.getValue());
            }
            assertTrue(Files.exists(dataDir.resolve("postgres").resolve("PG_VERSION")), "the data stays");
            assertFalse(Files.exists(dataDir.resolve("run").resolve(PlatformState.FILE_NAME)));
            assertEquals("Strata is not running.",
                    Launcher.run(Duration.ofSeconds(30), "down", "--data-dir", dataDir.toString()).output());
        } finally {
            if (launcher.isAlive()) {
                Launcher.run(Duration.ofSeconds(150), "down", "--data-dir", dataDir.toString());
            }
            launcher.destroyForcibly();
            seen.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            output.close();
        }
    }

    private int infraOrder(String a, String b) {
        List<String> order = List.of("postgres", "kafka", "s3", "redis");
        return Integer.compare(order.indexOf(a), order.indexOf(b));
    }

    private static void signInThroughTheGateway(Path dataDir, PlatformState state) throws Exception {
        int gatewayPort = state.services().stream().filter(s -> s.name().equals("gateway")).findFirst().orElseThrow()
                .port();
        java.util.Properties stack = new java.util.Properties();
        try (var in = java.nio.file.Files.newInputStream(dataDir.resolve("stack.properties"))) {
            stack.load(in);
        }
        String gateway = "http://127.0.0.1:" + gatewayPort;
        String token = new dev.strata.devstack.quarkus.IssuerClient(gateway,
                stack.getProperty("auth.admin-password")).adminToken();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var access = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway
                + "/api/registry/v1/access")).header("Authorization", "Bearer " + token).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(200, access.statusCode(), access.body());
        assertTrue(access.body().contains("\"principal\":\"admin\""), access.body());
        assertTrue(access.body().contains("\"*\":\"admin\""), access.body());
        var anonymous = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(gateway
                + "/api/registry/v1/access")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode(), anonymous.body());
    }

    /** Every process below {@code root}, by pid, so that the test can check that down ended them all. */
    private static void remember(Map<String, Long> seen, ProcessHandle root) {
        root.descendants().forEach(p -> seen.putIfAbsent("pid " + p.pid() + " (" + p.info().command().orElse("?")
                + ")", p.pid()));
    }

    private static void assertGone(String name, long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), name + " (pid " + pid
                + ") is still alive after strata down");
    }
}
