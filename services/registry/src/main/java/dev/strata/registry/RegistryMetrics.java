package dev.strata.registry;

/** The registry's metric names, in one place (Prometheus adds {@code _total} to counters). */
public final class RegistryMetrics {

    /** Dataset events read, by outcome: recorded, registered_and_recorded, duplicate_event, duplicate_version, ... */
    public static final String EVENTS_CONSUMED = "strata_registry_dataset_events";
    /** Bytes streamed into the lake by uploads. */
    public static final String UPLOAD_BYTES = "strata_registry_upload_bytes";

    private RegistryMetrics() {
    }
}
