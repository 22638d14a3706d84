package dev.strata.cli;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One Strata service running as a child JVM of the launcher: {@code java <flags> -jar quarkus-run.jar}, its output
 * appended to {@code logs/<name>.log}, its pid in {@code run/<name>.pid} (so the dev-stack watchdog and
 * {@code strata down} find it).
 */
final class ServiceProcess {

    /** Aimed at ≤ 200 MB resident per service on a small machine; {@code STRATA_SERVICE_JAVA_OPTS} replaces them. */
    static final List<String> DEFAULT_JAVA_OPTS = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx128m",
            "-XX:MaxMetaspaceSize=160m", "-XX:ReservedCodeCacheSize=48m", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-XX:MaxDirectMemorySize=64m");

    /** The launcher's own settings; everything else in its environment (QUARKUS_LOG_LEVEL...) reaches the services. */
    private static final List<String> LAUNCHER_VARIABLES = List.of("STRATA_SERVICES", "STRATA_CLI_OPTS",
            "STRATA_SERVICE_JAVA_OPTS");

    private final String name;
    private final Path jar;
    private final int port;
    private final Path log;
    private final Path pidFile;
    private Process process;
    private Instant startedAt;
    private long logOffset;
    /** What {@link #start} was given, for {@link #restart()}. */
    private String javaBinary;
    private List<String> javaOpts;
    private Path dataDir;
    private Map<String, String> env;

    ServiceProcess(String name, Path jar, int port, Path dataDir) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.log = dataDir.resolve("logs").resolve(name + ".log");
        this.pidFile = dataDir.resolve("run").resolve(name + ".pid");
    }

    /** The JVM flags from {@code STRATA_SERVICE_JAVA_OPTS} (split on whitespace), or the defaults. */
    static List<String> javaOpts(String fromEnvironment) {
        if (fromEnvironment == null || fromEnvironment.isBlank()) {
            return DEFAULT_JAVA_OPTS;
        }
        return Arrays.stream(fromEnvironment.strip().split("\\s+")).toList();
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    Path log() {
        return log;
    }

    String url() {
        return Readiness.baseUrl(port);
    }

    String healthUrl() {
        return Readiness.healthUrl(port);
    }

    synchronized long pid() {
        return process == null ? 0 : process.pid();
    }

    synchronized Instant startedAt() {
        return startedAt;
    }

    synchronized boolean isAlive() { return process != null && process.isAlive(); }

    /** The exit value once the process has ended; 128 + n means it was killed by signal n. */
    synchronized OptionalInt exitValue() {
        if (process == null || process.isAlive()) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(process.exitValue());
    }

    /** Starts the JVM and returns at once; readiness is checked separately. */
    synchronized void start(String javaBinary, List<String> javaOpts, Path dataDir, Map<String, String> env) {
        this.javaBinary = javaBinary;
        this.javaOpts = List.copyOf(javaOpts);
        this.dataDir = dataDir;
        this.env = Map.copyOf(env);
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(javaOpts);
        command.add("-Dstrata.home=" + dataDir);
        command.add("-jar");
        command.add(jar.toString());
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "----- strata up: starting " + name + " on port " + port + " at " + Instant.now()
                    + " -----\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logOffset = Files.size(log);
        } catch (IOException e) {
            throw new StrataException("cannot write " + log + " (" + StrataException.reason(e)
                    + "): check that the data directory is writable");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dataDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeAll(LAUNCHER_VARIABLES);
        environment.putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new StrataException(name + " cannot start: " + javaBinary + " could not be run (" + e.getMessage()
                    + "); check your Java installation");
        }
        startedAt = Instant.now();
        try {
            Files.writeString(pidFile, Long.toString(process.pid()));
        } catch (IOException e) {
            process.destroyForcibly();
            throw new StrataException("cannot write " + pidFile + " (" + StrataException.reason(e)
                    + "): check that the data directory is writable");
        }
    }

    /** Starts the JVM again as {@link #start} did, on the same port; the old one must have ended. */
    synchronized void restart() {
        if (javaBinary == null) {
            throw new StrataException(name + " was never started by this launcher");
        }
        start(javaBinary, javaOpts, dataDir, env);
    }

    /** Asks the JVM to shut down (SIGTERM); see {@link #kill()}. */
    synchronized void terminate() {
        if (process != null && process.isAlive()) {
            process.destroy();
        }
    }

    synchronized void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    /** Forgets the pid file; once the process is gone it must not be found by {@code down}. */
    void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // a stale pid file is checked against the live process before it is used
        }
    }

    /** The last {@code count} non-blank lines this run wrote to the log. */
    List<String> logTail(int count) {
        return tail(log, logOffset, count);
    }

    static List<String> tail(Path file, long fromOffset, int count) {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            // the last 64 kB are plenty for a few lines, even of JSON logs with stack traces
            long from = Math.max(fromOffset, length - 65536);
            byte[] bytes = new byte[(int) Math.max(0, length - from)];
            in.seek(from);
            in.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .toList();
            return lines.subList(Math.max(0, lines.size() - count), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
