package dev.strata.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import dev.strata.cli.StatusTable.Row;
import dev.strata.cli.StatusTable.State;
import dev.strata.devstack.Ports;

@Command(name = "status", description = StatusCommand.ABOUT)
final class StatusCommand implements Callable<Integer> {

    static final String ABOUT = "Show each process of the platform: pid, port, state, memory, uptime."
            + " Exit code 0 when all are up, 3 otherwise.";

    static final int NOT_ALL_UP = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path root = dataDir.resolve(Repo.locate());
        Optional<PlatformState> recorded = PlatformState.read(root.resolve("run"));
        if (recorded.isEmpty()) {
            out.println("Strata is not running (nothing recorded in " + root + "); start it with ./strata up.");
            return NOT_ALL_UP;
        }
        PlatformState state = recorded.get();
        List<Row> rows = rows(state, new Readiness(), Instant.now());
        boolean launcherAlive = ProcessStats.alive(state.launcherPid()).isPresent();
        boolean starting = launcherAlive && state.phase() == PlatformState.Phase.STARTING;
        out.print(StatusTable.format(rows));
        out.println();
        if (starting) {
            out.println("Strata is still starting.");
        }
        if (!starting || !StatusTable.allOk(rows)) {
            out.println(StatusTable.summary(rows));
        }
        if (!launcherAlive) {
            out.println("The launcher is gone: run ./strata down to stop what is left, then ./strata up.");
        }
        if (starting || !StatusTable.allOk(rows)) {
            out.println("Logs: " + root.resolve("logs") + "/<name>.log");
            return NOT_ALL_UP;
        }
        return 0;
    }

    static List<Row> rows(PlatformState state, Readiness readiness, Instant now) {
        List<Row> rows = new ArrayList<>();
        Optional<ProcessHandle> launcher = ProcessStats.alive(state.launcherPid());
        rows.add(row("launcher", state.launcherPid(), 0, launcher.isPresent() ? State.RUNNING : State.DEAD, launcher,
                false, now));
        for (PlatformState.Entry server : state.infrastructure()) {
            Optional<ProcessHandle> process = ProcessStats.alive(server.pid());
            State s = process.isEmpty() ? State.DEAD : Ports.isListening(server.port()) ? State.READY : State.NOT_READY;
            rows.add(row(server.name(), server.pid(), server.port(), s, process, server.name().equals("postgres"),
                    now));
        }
        // readiness of all services at once: each check may take up to its timeout
        Map<PlatformState.Entry, CompletableFuture<Boolean>> checks = new LinkedHashMap<>();
        for (PlatformState.Entry service : state.services()) {
            checks.put(service, ProcessStats.alive(service.pid()).isPresent()
                    ? readiness.check(service.port())
                    : CompletableFuture.completedFuture(false));
        }
        for (Map.Entry<PlatformState.Entry, CompletableFuture<Boolean>> check : checks.entrySet()) {
            PlatformState.Entry service = check.getKey();
            Optional<ProcessHandle> process = ProcessStats.alive(service.pid());
            State s = process.isEmpty() ? State.DEAD : check.getValue().join() ? State.READY : State.NOT_READY;
            rows.add(row(service.name(), service.pid(), service.port(), s, process, false, now));
        }
        return rows;
    }

    private static Row row(String name, long pid, int port, State state, Optional<ProcessHandle> process,
            boolean withDescendants, Instant now) {
        OptionalLong rss = process.map(p -> ProcessStats.rssKb(p, withDescendants)).orElse(OptionalLong.empty());
        return new Row(name, pid, port, state, rss, process.flatMap(p -> ProcessStats.uptime(p, now)));
    }
}
