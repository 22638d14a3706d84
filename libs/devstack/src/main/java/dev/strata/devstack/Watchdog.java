package dev.strata.devstack;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Makes sure no server outlives the process that owns the stack: a small shell process waits for the owner to
 * disappear (even after {@code kill -9}) and then terminates every pid recorded under {@code run/}.
 */
public final class Watchdog {

    private static final String SCRIPT = """
            owner="$1"; run="$2"
            while kill -0 "$owner" 2>/dev/null; do sleep 1; done
            for f in "$run"/*.pid; do
              [ -f "$f" ] || continue
              pid=$(cat "$f"); kill "$pid" 2>/dev/null
            done
            sleep 10
            for f in "$run"/*.pid; do
              [ -f "$f" ] || continue
              pid=$(cat "$f"); kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; rm -f "$f"
            done
            """;

    private Watchdog() {
    }

    static Process start(long ownerPid, Path runDir, Path log) {
        try {
            return new ProcessBuilder("sh", "-c", SCRIPT, "strata-watchdog", Long.toString(ownerPid), runDir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new DevStackException("cannot start the dev-stack watchdog (sh): " + e.getMessage());
        }
    }

    /**
     * Terminates every live process recorded in {@code runDir} (TERM, then KILL after a grace period) and removes the
     * pid files. Used for leftovers of a run that died and by {@code strata down}.
     */
    public static int killRecorded(Path runDir) {
        Path root = runDir.toAbsolutePath().getParent();
        int killed = 0;
        if (!Files.isDirectory(runDir)) {
            return 0;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(runDir, "*.pid")) {
            for (Path file : files) {
                ProcessHandle handle = readPid(file);
                if (handle != null && handle.isAlive() && belongsTo(handle, root)) {
                    handle.destroy();
                    try {
                        handle.onExit().get(20, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        handle.destroyForcibly();
                    }
                    killed++;
                }
                DevStack.deleteQuietly(file);
            }
        } catch (IOException e) {
            throw new DevStackException("cannot read " + runDir + ": " + e.getMessage());
        }
        return killed;
    }

    /**
     * Whether a live process was started from this stack directory: its binary lives there or its command line names
     * it. Guards against a stale pid file naming a pid the system has since given to someone else.
     */
    public static boolean belongsTo(ProcessHandle handle, Path root) {
        String dir = root.toString();
        ProcessHandle.Info info = handle.info();
        return info.command().map(c -> c.startsWith(dir)).orElse(false)
                || info.commandLine().map(c -> c.contains(dir)).orElse(false);
    }

    public static ProcessHandle readPid(Path file) {
        try {
            long pid = Long.parseLong(Files.readString(file).strip());
            return ProcessHandle.of(pid).orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }
}
