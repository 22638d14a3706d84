package dev.strata.events;

import java.util.List;

/**
 * How a load's rows become the table's rows: the {@code loadMode} of the load spec that travels in
 * {@link IngestRequested} (the registry stores it, ingest executes it). One vocabulary and one default for both.
 */
public final class LoadModes {

    /** The table holds exactly the loaded rows afterwards. */
    public static final String REPLACE = "replace";
    /** The loaded rows are added. */
    public static final String APPEND = "append";
    /** Rows whose merge key exists are updated, the others inserted. */
    public static final String MERGE = "merge";

    public static final List<String> ALL = List.of(REPLACE, APPEND, MERGE);

    /**
     * The mode of a spec that names none: replace, so that running the same load twice (a retry, a re-run, a
     * schedule that reads the same file again) leaves the same table, as a dbt seed does. Append would add the rows
     * again on every run and double the figures silently; a source that only delivers new rows says append (or merge)
     * on purpose.
     */
    public static final String DEFAULT = REPLACE;

    private LoadModes() {
    }
}
