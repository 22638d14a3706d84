package dev.strata.observability;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads (promtool has parsed it; this only needs to find the selectors). Also used
 * by the cli module's end-to-end test (through this module's test jar).
 */
public final class PromQl {

    private static final Set<String> WORDS = Set.of(
            // aggregations and keywords
            "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk",
            "quantile", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
            "offset", "atan2",
            // functions used in Strata's queries (and common ones)
            "rate", "irate", "increase", "delta", "idelta", "changes", "resets", "deriv", "histogram_quantile",
            "absent", "absent_over_time", "vector", "scalar", "time", "abs", "ceil", "floor", "round", "clamp_min",
            "clamp_max", "label_replace", "label_join", "max_over_time", "min_over_time", "avg_over_time",
            "sum_over_time", "count_over_time", "last_over_time", "sort", "sort_desc", "timestamp", "inf", "nan");

    /** Label lists of by/without/on/ignoring/group_left/group_right: not metric names. */
    private static final Pattern LABEL_LIST = Pattern
            .compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*\\}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*\\]");
    private static final Pattern DURATION = Pattern.compile("\\b\\d+(ms|s|m|h|d|w|y)\\b");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*");

    private PromQl() {
    }

    public static Set<String> metricNames(String expr) {
        String rest = STRING.matcher(expr).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = LABEL_LIST.matcher(rest).replaceAll(" ");
        rest = DURATION.matcher(rest).replaceAll(" ");
        Set<String> names = new TreeSet<>();
        Matcher identifiers = IDENTIFIER.matcher(rest);
        while (identifiers.find()) {
            String word = identifiers.group();
            if (!WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }

    /**
     * The catalogue name a series name belongs to: a Micrometer timer {@code x_seconds} is exposed as
     * {@code x_seconds_count}, {@code _sum}, {@code _max} and (with histograms) {@code _bucket}.
     */
    static String catalogueName(String series, Set<String> catalogue) {
        if (catalogue.contains(series)) {
            return series;
        }
        for (String suffix : new String[]{"_count", "_sum", "_max", "_bucket"}) {
            if (series.endsWith(suffix) && catalogue.contains(series.substring(0, series.length() - suffix.length()))) {
                return series.substring(0, series.length() - suffix.length());
            }
        }
        return null;
    }
}
