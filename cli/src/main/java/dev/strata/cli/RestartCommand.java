package dev.strata.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "restart", description = RestartCommand.ABOUT, footer = {"", "Example:", "  strata restart scheduler"})
final class RestartCommand implements Callable<Integer> {

    static final String ABOUT = "Restart one service of the platform started by `strata up` (same port and"
            + " settings); `strata down` stops it like the others.";

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir;

    @Parameters(paramLabel = "SERVICE", description = "One of: gateway, auth, registry, ingest, transform,"
            + " scheduler, notifier.")
    String service;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "How long to wait until it is ready again"
            + " (default: 180s).")
    Duration timeout = Duration.ofSeconds(180);

    @Override
    public Integer call() throws InterruptedException {
        String name = Services.named(service);
        Path root = dataDir.resolve(Repo.locate());
        Path runDir = root.resolve("run");
        PlatformState state = PlatformState.read(runDir)
                .filter(s -> ProcessStats.alive(s.launcherPid()).isPresent())
                .orElseThrow(() -> new StrataException("Strata is not running from " + root
                        + " (no launcher); start it with ./strata up"));
        if (state.services().stream().noneMatch(s -> s.name().equals(name))) {
            throw new StrataException(name + " is not part of the running platform; it was started with "
                    + String.join(", ", state.services().stream().map(PlatformState.Entry::name).toList()));
        }
        RestartRequest request = new RestartRequest(runDir, name, UUID.randomUUID().toString(), timeout);
        request.submit();
        spec.commandLine().getOut().println("Asked the launcher (pid " + state.launcherPid() + ") to restart " + name
                + "...");
        spec.commandLine().getOut().flush();
        // the launcher looks once a second; stopping the old process takes up to 20 s
        long deadline = System.nanoTime() + timeout.plusSeconds(30).toNanos();
        while (System.nanoTime() - deadline < 0) {
            Optional<RestartRequest.Result> result = request.result();
            if (result.isPresent()) {
                if (!result.get().ok()) {
                    throw new StrataException(result.get().sentence());
                }
                spec.commandLine().getOut().println(result.get().sentence() + ".");
                return 0;
            }
            if (ProcessStats.alive(state.launcherPid()).isEmpty()) {
                throw new StrataException("the launcher stopped before " + name + " was restarted");
            }
            Thread.sleep(200);
        }
        throw new StrataException("the launcher did not restart " + name + " within " + timeout.toSeconds()
                + " s; see " + root.resolve("logs").resolve(name + ".log"));
    }
}
