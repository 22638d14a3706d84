package dev.strata.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A server that runs as a child process of ours: its output goes to its log file, its pid to {@code run/}, and it is
 * ready when its port accepts connections and, if {@link #readyLine()} is set, its log shows that line.
 */
abstract class ProcessServer implements ManagedServer {

    protected final StackDirectory dir;
    private final String name;
    private final Duration startTimeout;
    private Process process;

    ProcessServer(StackDirectory dir, String name, Duration startTimeout) {
        this.dir = dir;
        this.name = name;
        this.startTimeout = startTimeout;
    }

    /** The command line; prepared files (configuration, formatted storage) are written here too. */
    protected abstract List<String> command();

    /** Environment variables added to the child's (for configuration that must not show on its command line). */
    protected java.util.Map<String, String> environment() {
        return java.util.Map.of();
    }

    /** A line of the log that says the server is ready, or null when an open port is enough. */
    protected String readyLine() {
        return null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path logFile() {
        return dir.log(name);
    }

    @Override
    public synchronized boolean isRunning() { return process != null && process.isAlive(); }

    @Override
    public synchronized OptionalLong pid() {
        return isRunning() ? OptionalLong.of(process.pid()) : OptionalLong.empty();
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        if (!Ports.isFree(port())) {
            throw new DevStackException(name + " cannot start: port " + port() + " on " + Ports.LOOPBACK
                    + " is already in use by another process; stop that process or delete " + dir.root()
                    + "/stack.properties to pick new ports");
        }
        List<String> command = command();
        long logOffset = logSize();
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.data(name).toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("JAVA_TOOL_OPTIONS"));
        builder.environment().putAll(environment());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new DevStackException(name + " cannot start: " + command.get(0) + " could not be run ("
                    + e.getMessage() + "); check that it exists and is executable");
        }
        writePid(process.pid());
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                String tail = tail(logOffset);
                process = null;
                deletePid();
                throw new DevStackException(name + " exited while starting; see " + logFile()
                        + (tail.isBlank() ? "" : ". Its last words: " + tail));
            }
            if (Ports.isListening(port()) && (readyLine() == null || logSince(logOffset).contains(readyLine()))) {
                return;
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new DevStackException(name + " did not become ready within " + startTimeout.toSeconds()
                        + " s; see " + logFile());
            }
            sleep(100);
        }
    }

    @Override
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
        deletePid();
        // the port is ours again only once the kernel has let go of it
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (Ports.isListening(port()) && System.nanoTime() < deadline) {
            sleep(50);
        }
    }

    protected static String javaBinary() {
        return ProcessHandle.current().info().command()
                .filter(c -> c.endsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    protected static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DevStackException("interrupted while waiting for the dev stack");
        }
    }

    private void writePid(long pid) {
        try {
            Files.writeString(dir.pidFile(name), Long.toString(pid));
        } catch (IOException e) {
            throw new DevStackException("cannot write " + dir.pidFile(name) + ": " + e.getMessage());
        }
    }

    private void deletePid() {
        try {
            Files.deleteIfExists(dir.pidFile(name));
        } catch (IOException ignored) {
            // a stale pid file is checked against the live process before it is used
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile()) ? Files.size(logFile()) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String logSince(long offset) {
        try {
            byte[] all = Files.readAllBytes(logFile());
            int from = (int) Math.min(offset, all.length);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private String tail(long offset) {
        String text = logSince(offset).strip();
        String[] lines = text.split("\n");
        int from = Math.max(0, lines.length - 3);
        return String.join(" | ", List.of(lines).subList(from, lines.length));
    }
}
