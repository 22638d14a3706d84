package dev.strata.ingest.spec;

/** What a load does with input that does not fit the table. */
public enum ContractMode {
    /** New columns are added to the table; a row that does not fit fails the load. */
    EVOLVE,
    /** The table's columns are fixed: a new column or a row that does not fit fails the load. */
    FREEZE,
    /** Rows that do not fit are dropped (and counted). */
    DISCARD_ROW,
    /** Rows that do not fit go to {@code quarantine.<namespace>__<name>} with the reason. */
    QUARANTINE;

    /** The contract of {@code spec}, already checked by {@link LoadSpecCheck}. */
    public static ContractMode of(dev.strata.events.LoadSpec spec) {
        return valueOf(spec.contract().toUpperCase(java.util.Locale.ROOT));
    }
}
