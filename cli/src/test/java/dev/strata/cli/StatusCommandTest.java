package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import dev.strata.cli.PlatformState.Entry;
import dev.strata.cli.PlatformState.Phase;
import dev.strata.devstack.Ports;

/** `strata status` against stand-ins: this JVM as every live process, real sockets and HTTP health endpoints. */
class StatusCommandTest {

    @TempDir
    Path dataDir;

    private final long self = ProcessHandle.current().pid();
    private HttpServer ready;
    private HttpServer unavailable;
    private ServerSocket listening;

    @AfterEach
    void close() throws IOException {
        if (ready != null) {
            ready.stop(0);
        }
        if (unavailable != null) {
            unavailable.stop(0);
        }
        if (listening != null) {
            listening.close();
        }
    }

    @Test
    void reportsEachProcessAndExits3WhenOneIsNotUp() throws Exception {
        ready = health(200);
        unavailable = health(503);
        listening = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK));
        long dead = deadPid();
        Instant now = Instant.now();
        record(List.of(new Entry("redis", self, listening.getLocalPort(), now),
                new Entry("s3", self, Ports.free(), now)),
                List.of(new Entry("gateway", self, ready.getAddress().getPort(), now),
                        new Entry("auth", self, unavailable.getAddress().getPort(), now),
                        new Entry("registry", dead, Ports.free(), now)));

        Cli.Result result = Cli.run("status", "--data-dir", dataDir.toString());

        assertEquals(3, result.exitCode(), result.out() + result.err());
        assertRow(result.out(), "launcher", self, "running");
        assertRow(result.out(), "redis", self, "ready");
        assertRow(result.out(), "s3", self, "not ready");
        assertRow(result.out(), "gateway", self, "ready");
        assertRow(result.out(), "auth", self, "not ready");
        assertRow(result.out(), "registry", dead, "dead");
        assertTrue(result.out().contains("3 of 6 processes are not up: s3 (not ready), auth (not ready), registry"
                + " (dead)."), result.out());
        assertTrue(result.out().contains("Logs: " + dataDir.toRealPath().resolve("logs")), result.out());
    }

    @Test
    void exits0WhenEverythingIsUp() throws Exception {
        ready = health(200);
        listening = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK));
        Instant now = Instant.now();
        record(List.of(new Entry("postgres", self, listening.getLocalPort(), now)),
                List.of(new Entry("gateway", self, ready.getAddress().getPort(), now)));

        Cli.Result result = Cli.run("status", "--data-dir", dataDir.toString());

        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertTrue(Pattern.compile("(?m)^postgres\\s+" + self + "\\s+\\d+\\s+ready\\s+\\d+ MB\\s+\\S+")
                .matcher(result.out()).find(), result.out());
        assertTrue(result.out().endsWith("All 3 processes are up.\n"), result.out());
    }

    @Test
    void aPlatformThatIsStillStartingIsNotUpYet() throws Exception {
        PlatformState.starting(self, Instant.now()).write(dataDir.toRealPath().resolve("run"));

        Cli.Result result = Cli.run("status", "--data-dir", dataDir.toString());

        assertEquals(3, result.exitCode());
        assertRow(result.out(), "launcher", self, "running");
        assertTrue(result.out().contains("\nStrata is still starting.\n"), result.out());
    }

    @Test
    void aLauncherThatIsGoneIsSaidSo() throws Exception {
        long dead = deadPid();
        PlatformState.starting(dead, Instant.now()).with(Phase.READY, 0, List.of(), List.of())
                .write(dataDir.toRealPath().resolve("run"));

        Cli.Result result = Cli.run("status", "--data-dir", dataDir.toString());

        assertEquals(3, result.exitCode());
        assertRow(result.out(), "launcher", dead, "dead");
        assertTrue(result.out().contains("The launcher is gone: run ./strata down to stop what is left, then"
                + " ./strata up."), result.out());
    }

    @Test
    void saysSoWhenNothingIsRecorded() {
        Cli.Result result = Cli.run("status", "--data-dir", dataDir.toString());
        assertEquals(3, result.exitCode());
        assertTrue(result.out().startsWith("Strata is not running"), result.out());
    }

    private void record(List<Entry> infrastructure, List<Entry> services) throws IOException {
        PlatformState.starting(self, Instant.now()).with(Phase.READY, 0, infrastructure, services)
                .write(dataDir.toRealPath().resolve("run"));
    }

    private static void assertRow(String table, String name, long pid, String state) {
        Pattern row = Pattern.compile("(?m)^" + name + "\\s+" + pid + "\\s+\\S+\\s+" + state + "(\\s|$)");
        assertTrue(row.matcher(table).find(), name + " should be " + state + " in\n" + table);
    }

    private static HttpServer health(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(Ports.LOOPBACK, 0), 0);
        server.createContext(Readiness.PATH, exchange -> {
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }
}
