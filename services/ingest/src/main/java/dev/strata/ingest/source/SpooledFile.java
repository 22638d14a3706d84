package dev.strata.ingest.source;

import java.nio.file.Path;

/**
 * One source file copied to the worker's local disk: read twice (a sample for types, then the load) and uploaded to
 * the lake, never held in memory. A file still being downloaded ({@code download} not null) can be read already: its
 * readers follow it ({@link Download#open}); its size is known when the download ended.
 *
 * @param path     where the copy is
 * @param name     the file name in the lake and in messages
 * @param bytes    its size (for a download: what {@link Download#awaitSize()} answers)
 * @param download the download still writing it, or null
 */
public record SpooledFile(Path path, String name, long bytes, Download download) {

    /** A file that is complete on disk. */
    public SpooledFile(Path path, String name, long bytes) {
        this(path, name, bytes, null);
    }

    /** Its size; for a download, once it ended (its failure if it failed). */
    @Override
    public long bytes() {
        return download == null ? bytes : download.awaitSize();
    }

    /** Whether it has no bytes at all; for a download, known at its first byte. */
    public boolean isEmpty() {
        return download == null ? bytes == 0 : download.isEmpty();
    }

    /** Stops its download, if one still runs (the load is over). */
    public void release() {
        if (download != null) {
            download.cancel();
        }
    }
}
