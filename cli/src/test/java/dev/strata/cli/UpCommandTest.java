package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

/** What `strata up` refuses before it starts anything. */
class UpCommandTest {

    @TempDir
    Path tmp;

    @Test
    void defaultsAreAutoGatewayPortAndThreeMinutes() {
        UpCommand up = parse();
        assertEquals(PortOrAuto.AUTO, up.gatewayPort);
        assertEquals(Duration.ofSeconds(180), up.timeout);
        assertFalse(up.jsonLogs);
    }

    @Test
    void parsesPortsAndDurations() {
        UpCommand up = parse("--gateway-port", "9090", "--timeout", "5m", "--json-logs");
        assertEquals(9090, up.gatewayPort);
        assertEquals(Duration.ofMinutes(5), up.timeout);
        assertTrue(up.jsonLogs);

        up = parse("--gateway-port", "auto", "--timeout", "90");
        assertEquals(PortOrAuto.AUTO, up.gatewayPort);
        assertEquals(Duration.ofSeconds(90), up.timeout);
    }

    private static UpCommand parse(String... args) {
        CommandLine commandLine = StrataCommand.commandLine();
        List<String> all = new ArrayList<>(List.of("up"));
        all.addAll(List.of(args));
        commandLine.parseArgs(all.toArray(String[]::new));
        return commandLine.getSubcommands().get("up").getCommand();
    }

    @Test
    void rejectsAPortThatIsNoPort() {
        for (String port : List.of("abc", "0", "65536", "-1")) {
            Cli.Result result = Cli.run("up", "--data-dir", tmp.toString(), "--gateway-port", port);
            assertEquals(2, result.exitCode(), port);
            assertTrue(result.err().contains("'" + port + "' is not a port: use a number from 1 to 65535, or auto"),
                    result.err());
        }
    }

    @Test
    void rejectsADurationThatIsNoDuration() {
        for (String timeout : List.of("soon", "0s", "-5s", "3 days")) {
            Cli.Result result = Cli.run("up", "--data-dir", tmp.toString(), "--timeout", timeout);
            assertEquals(2, result.exitCode(), timeout);
            assertTrue(result.err().contains("is not a duration: use for example 180s, 5m, 1h or 30d"), result.err());
        }
    }

    @Test
    void aTakenGatewayPortIsOneSentenceAndNothingStarts() throws Exception {
        Path dataDir = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.Result result = Cli.run("up", "--data-dir", dataDir.toString(), "--gateway-port",
                    Integer.toString(port));
            assertEquals(1, result.exitCode());
            assertEquals("Error: port " + port + " is already in use; choose another with --gateway-port or stop"
                    + " what uses it\n", result.err());
        }
        assertFalse(Files.exists(dataDir.resolve("postgres")), "no infrastructure was started");
        assertFalse(Files.exists(PlatformState.file(dataDir.resolve("run"))));
    }

    @Test
    void refusesWhenAnotherLauncherRunsForTheSameDataDirectory() throws Exception {
        Path dataDir = tmp.resolve("data");
        Files.createDirectories(dataDir);
        Path realDir = dataDir.toRealPath();
        PlatformState.starting(ProcessHandle.current().pid(), java.time.Instant.now()).write(realDir.resolve("run"));
        LauncherLock other = LauncherLock.acquire(realDir);
        try {
            Cli.Result result = Cli.run("up", "--data-dir", dataDir.toString());
            assertEquals(1, result.exitCode());
            assertTrue(result.err().startsWith("Error: Strata is already running for " + realDir), result.err());
            assertTrue(result.err().contains("stop it with ./strata down or choose another data directory with"
                    + " --data-dir"), result.err());
            assertFalse(Files.exists(realDir.resolve("postgres")), "no infrastructure was started");
        } finally {
            other.release();
        }
    }

    @Test
    void anUnknownServiceIsNamed() {
        Cli.Result result = Cli.run("up", "--data-dir", tmp.toString(), "--services", "registry,billing");
        assertEquals(1, result.exitCode());
        assertEquals("Error: unknown service 'billing' in STRATA_SERVICES: use any of gateway, auth, registry,"
                + " ingest, transform, scheduler, notifier\n", result.err());
    }

    @Test
    void aServiceThatIsNotBuiltSaysHowToBuildIt() {
        Repo repo = new Repo(tmp);
        StrataException e = assertThrows(StrataException.class,
                () -> UpCommand.serviceJars(repo, List.of("auth", "registry")));
        assertEquals("services auth, registry are not built (no services/auth/target/quarkus-app/quarkus-run.jar):"
                + " run ./mvnw -B -DskipTests install in " + tmp + ", or start only the built services with"
                + " STRATA_SERVICES=<name>,<name> ./strata up", e.getMessage());
    }

    @Test
    void aBuiltServiceIsFound() throws Exception {
        Repo repo = new Repo(tmp);
        Files.createDirectories(repo.serviceJar("registry").getParent());
        Files.writeString(repo.serviceJar("registry"), "");
        assertEquals(List.of(repo.serviceJar("registry")), UpCommand.serviceJars(repo, List.of("registry")));
    }

    @Test
    void theChosenGatewayPortIsTheOneAskedFor() {
        int free = dev.strata.devstack.Ports.free();
        assertEquals(free, UpCommand.chooseGatewayPort(free));
        int auto = UpCommand.chooseGatewayPort(PortOrAuto.AUTO);
        assertTrue(auto == UpCommand.DEFAULT_GATEWAY_PORT || auto > 0);
    }
}
