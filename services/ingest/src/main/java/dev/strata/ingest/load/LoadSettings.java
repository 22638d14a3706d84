package dev.strata.ingest.load;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The limits and places a {@link Loader} works with.
 *
 * @param lakeBucket        the lake bucket; raw files go under {@code raw/<ns>/<name>/<load id>/}
 * @param targetSchema      the warehouse schema of loaded tables (the layer, {@code raw})
 * @param spoolDir          where sources are copied while loading
 * @param sampleRows        records read to infer column types
 * @param maxLineLength     the longest line (or JSON string) accepted, in characters
 * @param maxQuarantineRows the most rows one load may quarantine
 * @param timeout           the longest a load may take
 * @param decompression     bounds on what a compressed source unpacks to
 */
public record LoadSettings(String lakeBucket, String targetSchema, Path spoolDir, int sampleRows, int maxLineLength,
        long maxQuarantineRows, Duration timeout, TextInput.Limits decompression) {

    /** With the default decompression bounds. */
    public LoadSettings(String lakeBucket, String targetSchema, Path spoolDir, int sampleRows, int maxLineLength,
            long maxQuarantineRows, Duration timeout) {
        this(lakeBucket, targetSchema, spoolDir, sampleRows, maxLineLength, maxQuarantineRows, timeout,
                TextInput.Limits.DEFAULTS);
    }
}
