package dev.strata.ingest.source;

import java.nio.file.Path;

/**
 * One source file copied to the worker's local disk: read twice (a sample for types, then the load) and uploaded to
 * the lake, never held in memory.
 *
 * @param path  where the copy is
 * @param name  the file name in the lake and in messages
 * @param bytes its size
 */
public record SpooledFile(Path path, String name, long bytes) {
}
