package dev.strata.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' {@code promtool}, found on the machine or installed from Debian's {@code prometheus} package (the build
 * fetches what it needs: {@code apt-get install} when running as root and promtool is missing). The Prometheus server
 * of the same package is {@link #prometheus()}; the cli module's end-to-end test runs it (through this module's
 * test jar).
 */
public final class Promtool {

    /** What one promtool run printed, and how it ended. */
    record Result(List<String> command, int exitCode, String output) {

        boolean succeeded() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", command) + " exited " + exitCode + ":\n" + output;
        }
    }

    private static Path promtool;

    private Promtool() {
    }

    /** {@code promtool <args...>}, run in {@code dir}. */
    static Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        return exec(dir, command, 120);
    }

    static synchronized Path binary() {
        if (promtool == null) {
            promtool = find("promtool").orElseGet(() -> {
                install();
                return find("promtool").orElseThrow(() -> new IllegalStateException(
                        "promtool is still missing after installing Debian's prometheus package"));
            });
        }
        return promtool;
    }

    /** The Prometheus server that comes with promtool (Debian's package ships both). */
    public static Path prometheus() {
        binary();
        return find("prometheus").orElseThrow(() -> new IllegalStateException("no prometheus next to promtool"));
    }

    private static java.util.Optional<Path> find(String name) {
        List<Path> candidates = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, name));
            }
        }
        candidates.add(Path.of("/usr/bin", name));
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * Installs Debian's {@code prometheus} package (promtool and the server, no daemon started: there is no init
     * system in a build container). Only as root; otherwise says how to install it.
     */
    private static void install() {
        Result id = exec(Path.of("."), List.of("id", "-u"), 10);
        if (!id.output().strip().equals("0")) {
            throw new IllegalStateException("promtool is missing and the build does not run as root: install Debian's "
                    + "prometheus package (sudo apt-get install --no-install-recommends prometheus)");
        }
        List<String> install = List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "install", "-y", "-q",
                "--no-install-recommends", "prometheus");
        Result first = exec(Path.of("."), install, 900);
        if (!first.succeeded()) {
            // a fresh machine has no package lists yet
            Result update = exec(Path.of("."), List.of("apt-get", "-o", "DPkg::Lock::Timeout=300", "update", "-q"),
                    600);
            if (!update.succeeded()) {
                throw new IllegalStateException("apt-get update failed: " + update);
            }
            Result second = exec(Path.of("."), install, 600);
            if (!second.succeeded()) {
                throw new IllegalStateException("installing Debian's prometheus package failed: " + second);
            }
        }
    }

    private static Result exec(Path dir, List<String> command, long timeoutSeconds) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within " + timeoutSeconds
                        + " s");
            }
            return new Result(command, process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
