package dev.strata.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

/**
 * What a running launcher records in {@code <data-dir>/run/platform.properties} so that {@code status} and
 * {@code down} find its processes: its own pid, the dev-stack watchdog and, for each server and service, pid and
 * port. The file exists while a launcher runs; a leftover of a launcher that was killed is harmless.
 */
record PlatformState(long launcherPid, Instant startedAt, Phase phase, long watchdogPid, List<Entry> infrastructure,
        List<Entry> services) {

    static final String FILE_NAME = "platform.properties";

    enum Phase {
        STARTING,
        READY
    }

    /** One process: a server of the dev stack or a service. */
    record Entry(String name, long pid, int port, Instant startedAt) {
    }

    PlatformState {
        infrastructure = List.copyOf(infrastructure);
        services = List.copyOf(services);
    }

    static PlatformState starting(long launcherPid, Instant startedAt) {
        return new PlatformState(launcherPid, startedAt, Phase.STARTING, 0, List.of(), List.of());
    }

    PlatformState with(Phase newPhase, long newWatchdogPid, List<Entry> newInfrastructure, List<Entry> newServices) {
        return new PlatformState(launcherPid, startedAt, newPhase, newWatchdogPid, newInfrastructure, newServices);
    }

    static Path file(Path runDir) {
        return runDir.resolve(FILE_NAME);
    }

    /** Writes the file atomically, so a reader never sees half of it. */
    void write(Path runDir) {
        StringBuilder text = new StringBuilder();
        text.append("# Written by `strata up` while it runs; read by `strata status` and `strata down`.\n");
        line(text, "launcher.pid", launcherPid);
        line(text, "launcher.started-at", startedAt);
        line(text, "phase", phase.name().toLowerCase(Locale.ROOT));
        line(text, "watchdog.pid", watchdogPid);
        entries(text, "infrastructure", infrastructure);
        entries(text, "services", services);
        Path target = file(runDir);
        Path tmp = runDir.resolve(FILE_NAME + ".tmp");
        try {
            Files.createDirectories(runDir);
            Files.writeString(tmp, text);
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new StrataException("cannot write " + target + " (" + StrataException.reason(e)
                    + "): check that the data directory is writable");
        }
    }

    static Optional<PlatformState> read(Path runDir) {
        Path file = file(runDir);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
            return Optional.of(new PlatformState(
                    Long.parseLong(p.getProperty("launcher.pid", "0")),
                    instant(p.getProperty("launcher.started-at")),
                    Phase.valueOf(p.getProperty("phase", "starting").toUpperCase(Locale.ROOT)),
                    Long.parseLong(p.getProperty("watchdog.pid", "0")),
                    entries(p, "infrastructure"),
                    entries(p, "services")));
        } catch (IOException e) {
            throw new StrataException("cannot read " + file + " (" + StrataException.reason(e)
                    + "): check the permissions of the data directory");
        } catch (RuntimeException e) {
            throw new StrataException(file + " is damaged (" + e.getMessage() + "): ./strata down stops what is"
                    + " recorded elsewhere and removes it");
        }
    }

    static void delete(Path runDir) {
        try {
            Files.deleteIfExists(file(runDir));
        } catch (IOException ignored) {
            // a leftover file is checked against live processes before it is used
        }
    }

    /** Every process recorded here, launcher and watchdog included, as name → pid. */
    List<Entry> allProcesses() {
        List<Entry> all = new ArrayList<>();
        all.add(new Entry("launcher", launcherPid, 0, startedAt));
        if (watchdogPid > 0) {
            all.add(new Entry("watchdog", watchdogPid, 0, startedAt));
        }
        all.addAll(infrastructure);
        all.addAll(services);
        return all;
    }

    private static void line(StringBuilder text, String key, Object value) {
        text.append(key).append('=').append(value).append('\n');
    }

    private static void entries(StringBuilder text, String group, List<Entry> entries) {
        line(text, group, String.join(",", entries.stream().map(Entry::name).toList()));
        for (Entry entry : entries) {
            String prefix = group + "." + entry.name() + ".";
            line(text, prefix + "pid", entry.pid());
            line(text, prefix + "port", entry.port());
            line(text, prefix + "started-at", entry.startedAt());
        }
    }

    private static List<Entry> entries(Properties p, String group) {
        List<Entry> entries = new ArrayList<>();
        String names = p.getProperty(group, "");
        for (String name : names.split(",")) {
            if (name.isBlank()) {
                continue;
            }
            String prefix = group + "." + name + ".";
            entries.add(new Entry(name, Long.parseLong(p.getProperty(prefix + "pid", "0")),
                    Integer.parseInt(p.getProperty(prefix + "port", "0")), instant(p.getProperty(prefix
                            + "started-at"))));
        }
        return entries;
    }

    private static Instant instant(String text) {
        return text == null || text.isBlank() || text.equals("null") ? null : Instant.parse(text);
    }
}
