package dev.strata.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The seven services of Strata, in the order they are listed everywhere. */
final class Services {

    static final List<String> ALL = List.of("gateway", "auth", "registry", "ingest", "transform", "scheduler",
            "notifier");

    private Services() {
    }

    /** One service by name, e.g. for {@code strata restart}. */
    static String named(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        if (!ALL.contains(wanted)) {
            throw new StrataException("unknown service '" + name + "': use one of " + String.join(", ", ALL));
        }
        return wanted;
    }

    /**
     * The services named in a comma-separated list such as {@code "registry,auth"} (the {@code STRATA_SERVICES}
     * variable), in the standard order; blank means all seven.
     */
    static List<String> select(String list) {
        if (list == null || list.isBlank()) {
            return ALL;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String part : list.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!ALL.contains(name)) {
                throw new StrataException("unknown service '" + name + "' in STRATA_SERVICES: use any of "
                        + String.join(", ", ALL));
            }
            wanted.add(name);
        }
        if (wanted.isEmpty()) {
            return ALL;
        }
        List<String> selected = new ArrayList<>();
        for (String name : ALL) {
            if (wanted.contains(name)) {
                selected.add(name);
            }
        }
        return List.copyOf(selected);
    }
}
