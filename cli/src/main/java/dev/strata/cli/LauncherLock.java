package dev.strata.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One launcher per data directory: it holds a lock on {@code run/launcher.lock} while it lives. The operating system
 * releases the lock when the process ends, however it ends.
 */
final class LauncherLock {

    private final FileChannel channel;
    private final FileLock lock;

    private LauncherLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or fails with a sentence naming the launcher that holds it. */
    static LauncherLock acquire(Path dataDir) {
        Path runDir = dataDir.resolve("run");
        Path file = runDir.resolve("launcher.lock");
        FileChannel channel;
        try {
            Files.createDirectories(runDir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new StrataException("cannot use the data directory " + dataDir + " (" + StrataException.reason(e)
                    + "): check that it is writable or choose another one with --data-dir");
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            close(channel);
            long pid = runningLauncher(runDir);
            throw new StrataException("Strata is already running for " + dataDir
                    + (pid > 0 ? " (launcher pid " + pid + ")" : "")
                    + "; stop it with ./strata down or choose another data directory with --data-dir");
        }
        return new LauncherLock(channel, lock);
    }

    /** The pid of a live launcher recorded for this data directory, other than this process; 0 if none. */
    static long runningLauncher(Path runDir) {
        try {
            return PlatformState.read(runDir)
                    .map(PlatformState::launcherPid)
                    .filter(pid -> pid != ProcessHandle.current().pid())
                    .filter(pid -> ProcessStats.alive(pid).filter(LauncherLock::isLauncher).isPresent())
                    .orElse(0L);
        } catch (StrataException e) {
            return 0;
        }
    }

    /** Whether a live process looks like a Strata launcher (and not a process that reused a stale pid). */
    static boolean isLauncher(ProcessHandle handle) {
        return handle.info().commandLine()
                .map(line -> line.contains("strata-cli") || line.contains("dev.strata.cli"))
                .orElse(true);
    }

    void release() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // released with the channel below
        }
        close(channel);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
