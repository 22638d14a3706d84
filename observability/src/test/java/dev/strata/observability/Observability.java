package dev.strata.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Where the observability assets live, and the metric catalogue of observability/README.md. */
final class Observability {

    static final Path DIR = Path.of(System.getProperty("strata.observability.dir", "."));
    static final Path WORK = Path.of(System.getProperty("strata.work.dir", "target/observability"));

    /** A catalogue row: {@code | `metric_name` | type | ...}. */
    private static final Pattern CATALOGUE_ROW = Pattern.compile("(?m)^\\|\\s*`([a-zA-Z_:][a-zA-Z0-9_:]*)`\\s*\\|");

    private Observability() {
    }

    static List<Path> files(String dir, String suffix) {
        try (Stream<Path> files = Files.list(DIR.resolve(dir))) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The metric names listed in README.md's catalogue (the first column of its tables, in backticks). */
    static Set<String> catalogue() {
        try {
            Matcher rows = CATALOGUE_ROW.matcher(Files.readString(DIR.resolve("README.md")));
            Set<String> names = new TreeSet<>();
            while (rows.find()) {
                names.add(rows.group(1));
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
