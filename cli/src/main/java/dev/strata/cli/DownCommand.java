package dev.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import dev.strata.devstack.Watchdog;

@Command(name = "down", description = DownCommand.ABOUT)
final class DownCommand implements Callable<Integer> {

    static final String ABOUT = "Stop the platform started by `strata up` (its data stays).";

    static final Duration LAUNCHER_GRACE = Duration.ofSeconds(90);

    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption dataDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path root = dataDir.resolve(Repo.locate());
        Path runDir = root.resolve("run");
        Optional<PlatformState> state;
        try {
            state = PlatformState.read(runDir);
        } catch (StrataException e) {
            // the pid files under run/ still name every server and service
            spec.commandLine().getErr().println("Warning: " + e.getMessage());
            state = Optional.empty();
        }

        // everything alive that we know of, before we stop anything: name → process
        Map<String, ProcessHandle> before = aliveProcesses(root, runDir, state);
        if (before.isEmpty()) {
            PlatformState.delete(runDir);
            out.println("Strata is not running.");
            return 0;
        }

        ProcessHandle launcher = before.get("launcher");
        if (launcher != null) {
            out.println("Stopping Strata (launcher pid " + launcher.pid() + ")...");
            out.flush();
            launcher.destroy();
            if (!awaitExit(launcher, LAUNCHER_GRACE)) {
                out.println("The launcher did not stop within " + LAUNCHER_GRACE.toSeconds()
                        + " s; stopping its processes directly.");
                launcher.destroyForcibly();
                awaitExit(launcher, Duration.ofSeconds(10));
            }
        }
        // leftovers, e.g. after the launcher was killed with kill -9
        Watchdog.killRecorded(runDir);
        ProcessHandle watchdog = before.get("watchdog");
        if (watchdog != null && watchdog.isAlive()) {
            watchdog.destroy();
            awaitExit(watchdog, Duration.ofSeconds(5));
        }

        List<String> stillAlive = new ArrayList<>();
        List<String> stopped = new ArrayList<>();
        for (Map.Entry<String, ProcessHandle> entry : before.entrySet()) {
            ProcessHandle process = entry.getValue();
            String label = entry.getKey() + " (pid " + process.pid() + ")";
            if (awaitExit(process, Duration.ofSeconds(5))) {
                stopped.add(label);
            } else {
                stillAlive.add(label);
            }
        }
        if (!stillAlive.isEmpty()) {
            throw new StrataException("could not stop " + String.join(", ", stillAlive) + "; end "
                    + (stillAlive.size() == 1 ? "it" : "them") + " with kill -9 <pid>");
        }
        PlatformState.delete(runDir);
        out.println("Stopped " + String.join(", ", stopped) + ".");
        out.println("Strata is down; its data stays in " + root + ".");
        return 0;
    }

    /**
     * The launcher, the watchdog, and every server and service recorded in {@code run/*.pid} or the platform state
     * that is still alive and was started from this data directory.
     */
    static Map<String, ProcessHandle> aliveProcesses(Path root, Path runDir, Optional<PlatformState> state) {
        Map<String, ProcessHandle> alive = new LinkedHashMap<>();
        state.ifPresent(s -> {
            ProcessStats.alive(s.launcherPid())
                    .filter(p -> p.pid() != ProcessHandle.current().pid())
                    .filter(LauncherLock::isLauncher)
                    .ifPresent(p -> alive.put("launcher", p));
            List<PlatformState.Entry> entries = new ArrayList<>(s.infrastructure());
            entries.addAll(s.services());
            for (PlatformState.Entry entry : entries) {
                ProcessStats.alive(entry.pid())
                        .filter(p -> Watchdog.belongsTo(p, root))
                        .ifPresent(p -> alive.put(entry.name(), p));
            }
        });
        // the dev stack's watchdog: `sh -c <script> strata-watchdog <owner pid> <run dir>`
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            all.filter(p -> p.info().commandLine()
                    .map(c -> c.contains("strata-watchdog") && c.contains(runDir.toString()))
                    .orElse(false))
                    .findFirst()
                    .ifPresent(p -> alive.put("watchdog", p));
        }
        if (Files.isDirectory(runDir)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.pid")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                    ProcessHandle process = Watchdog.readPid(file);
                    if (process != null && process.isAlive() && Watchdog.belongsTo(process, root)
                            && !alive.containsValue(process)) {
                        alive.putIfAbsent(name, process);
                    }
                }
            } catch (IOException e) {
                throw new StrataException("cannot read " + runDir + " (" + StrataException.reason(e)
                        + "): check the permissions of the data directory");
            }
        }
        return alive;
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (Exception e) {
            return !process.isAlive();
        }
    }
}
