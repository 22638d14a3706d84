package dev.strata.ingest.spec;

/** How a load's rows become the table's rows. */
public enum LoadMode {
    /** The table holds exactly the loaded rows afterwards. */
    REPLACE,
    /** The loaded rows are added. */
    APPEND,
    /** Rows whose merge key exists are updated, the others inserted. */
    MERGE;

    /** The loadMode of {@code spec}, already checked by {@link LoadSpecCheck}. */
    public static LoadMode of(dev.strata.events.LoadSpec spec) {
        return valueOf(spec.loadMode().toUpperCase(java.util.Locale.ROOT));
    }
}
