package dev.strata.ingest.load;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Turns the names in a header into column names: lower case, {@code [a-z0-9_]}, unique. */
public final class Columns {

    private Columns() {
    }

    public static String normalize(String raw, int position) {
        String name = raw == null
                ? ""
                : raw.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_")
                        .replaceAll("^_+|_+$", "");
        if (name.isEmpty()) {
            return "column_" + position;
        }
        if (!Character.isLetter(name.charAt(0)) && name.charAt(0) != '_') {
            name = "c_" + name;
        }
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    public static List<String> normalizeAll(List<String> raw) {
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String base = normalize(raw.get(i), i + 1);
            String name = base;
            for (int n = 2; !seen.add(name); n++) {
                name = base + "_" + n;
            }
            names.add(name);
        }
        return names;
    }

    /** A PostgreSQL identifier, quoted. */
    public static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
