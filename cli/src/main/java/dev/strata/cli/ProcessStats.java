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
     * Resident set size in kB of the process and, with {@code withDescendants}, of all its descendants (PostgreSQL
     * runs one process per backend and helper); empty when unknown (no {@code /proc}, process gone).
     */
    static OptionalLong rssKb(ProcessHandle process, boolean withDescendants) {
        OptionalLong own = rssKb(process.pid());
        if (own.isEmpty() || !withDescendants) {
            return own;
        }
        long total = own.getAsLong();
        try (Stream<ProcessHandle> descendants = process.descendants()) {
            total += descendants.mapToLong(d -> rssKb(d.pid()).orElse(0)).sum();
        }
        return OptionalLong.of(total);
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
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String number = line.substring("VmRSS:".length()).replace("kB", "").strip();
                return OptionalLong.of(Long.parseLong(number));
            }
        }
        return OptionalLong.empty();
    }

    static Optional<Duration> uptime(ProcessHandle process, Instant now) {
        return process.info().startInstant().map(start -> Duration.between(start, now));
    }
}
