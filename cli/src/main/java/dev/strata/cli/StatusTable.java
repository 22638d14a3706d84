package dev.strata.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** The table {@code strata status} prints: one row per process. */
final class StatusTable {

    enum State {
        /** A server that accepts connections, a service whose readiness check answers 200. */
        READY("ready"),
        /** Alive; used for the launcher, which has no readiness of its own. */
        RUNNING("running"),
        NOT_READY("not ready"),
        DEAD("dead");

        private final String label;

        State(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        boolean isOk() { return this == READY || this == RUNNING; }
    }

    record Row(String name, long pid, int port, State state, OptionalLong rssKb, Optional<Duration> uptime) {
    }

    private static final List<String> HEADER = List.of("NAME", "PID", "PORT", "STATE", "RSS", "UPTIME");

    private StatusTable() {
    }

    static String format(List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        cells.add(HEADER);
        for (Row row : rows) {
            cells.add(List.of(row.name(), row.pid() > 0 ? Long.toString(row.pid()) : "-",
                    row.port() > 0 ? Integer.toString(row.port()) : "-", row.state().label(), megabytes(row.rssKb()),
                    uptime(row.uptime())));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < line.size(); i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (List<String> line : cells) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < line.size(); i++) {
                String cell = line.get(i);
                boolean numeric = i == 1 || i == 2 || i == 4;
                String padded = numeric ? pad(cell, widths[i], true) : pad(cell, widths[i], false);
                out.append(padded).append(i < line.size() - 1 ? "  " : "");
            }
            text.append(out.toString().stripTrailing()).append('\n');
        }
        return text.toString();
    }

    /** One line under the table: all is well, or which processes are not. */
    static String summary(List<Row> rows) {
        List<String> problems = rows.stream()
                .filter(row -> !row.state().isOk())
                .map(row -> row.name() + " (" + row.state().label() + ")")
                .toList();
        if (problems.isEmpty()) {
            return "All " + rows.size() + " processes are up.";
        }
        return problems.size() + " of " + rows.size() + " processes " + (problems.size() == 1 ? "is" : "are")
                + " not up: " + String.join(", ", problems) + ".";
    }

    static boolean allOk(List<Row> rows) {
        return rows.stream().allMatch(row -> row.state().isOk());
    }

    static String megabytes(OptionalLong kb) {
        if (kb.isEmpty()) {
            return "-";
        }
        return Math.round(kb.getAsLong() / 1024.0) + " MB";
    }

    static String uptime(Optional<Duration> uptime) {
        if (uptime.isEmpty() || uptime.get().isNegative()) {
            return "-";
        }
        long seconds = uptime.get().toSeconds();
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format("%dm %02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86400) {
            return String.format("%dh %02dm", seconds / 3600, (seconds % 3600) / 60);
        }
        return String.format("%dd %02dh", seconds / 86400, (seconds % 86400) / 3600);
    }

    private static String pad(String cell, int width, boolean right) {
        String spaces = " ".repeat(width - cell.length());
        return right ? spaces + cell : cell + spaces;
    }
}
