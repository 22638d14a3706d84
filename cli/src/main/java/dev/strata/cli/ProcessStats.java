package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/** Resident memory and uptime of a process, from {@code /proc} and {@link ProcessHandle}. */
final class ProcessStats {

    private ProcessStats() {
    }

    static Optional<ProcessHandle> alive(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    }

    /**
     * Resident memory in kB of the process; with {@code withDescendants} (PostgreSQL runs one process per backend and
     * helper) the proportional set size of the process and all its descendants, so that shared memory is counted
     * once, not once per process. Empty when unknown (no {@code /proc}, process gone).
     */
    static OptionalLong rssKb(ProcessHandle process, boolean withDescendants) {
        if (!withDescendants) {
            return rssKb(process.pid());
        }
        OptionalLong own = pssKb(process.pid()).isPresent() ? pssKb(process.pid()) : rssKb(process.pid());
        if (own.isEmpty()) {
            return own;
        }
        long total = own.getAsLong();
        try (Stream<ProcessHandle> descendants = process.descendants()) {
            total += descendants.mapToLong(d -> pssKb(d.pid()).orElse(0)).sum();
        }
        return OptionalLong.of(total);
    }

    /** Proportional set size from {@code /proc/<pid>/smaps_rollup}. */
    static OptionalLong pssKb(long pid) {
        try {
            return parseKb(Files.readString(Path.of("/proc", Long.toString(pid), "smaps_rollup")), "Pss:");
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong rssKb(long pid) {
        try {
            return parseVmRssKb(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** The {@code VmRSS} line of a {@code /proc/<pid>/status} text, e.g. {@code "VmRSS:	  123456 kB"}. */
    static OptionalLong parseVmRssKb(String status) {
        return parseKb(status, "VmRSS:");
    }

    private static OptionalLong parseKb(String text, String field) {
        for (String line : text.split("\n")) {
            if (line.startsWith(field)) {
                String number = line.substring(field.length()).replace("kB", "").strip();
                return OptionalLong.of(Long.parseLong(number));
            }
        }
        return OptionalLong.empty();
    }

    static Optional<Duration> uptime(ProcessHandle process, Instant now) {
        return process.info().startInstant().map(start -> Duration.between(start, now));
    }
}
