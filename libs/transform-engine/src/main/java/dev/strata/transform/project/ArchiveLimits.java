package dev.strata.transform.project;

/**
 * Bounds on a project archive, checked while it is unpacked: entries (files and folders), unpacked bytes of one entry
 * and of all, and the length and depth of an entry's path.
 *
 * @param maxEntries    entries at most, folders and files of every kind counted
 * @param maxFileBytes  unpacked bytes of one entry at most
 * @param maxTotalBytes unpacked bytes of all entries at most
 * @param maxPathLength characters of an entry's path at most
 * @param maxPathDepth  folders an entry's path may go down at most
 */
public record ArchiveLimits(int maxEntries, long maxFileBytes, long maxTotalBytes, int maxPathLength,
        int maxPathDepth) {

    /** The defaults of {@code strata.transform.project-limits.*}. */
    public static final ArchiveLimits DEFAULTS = new ArchiveLimits(20_000, 10L * 1024 * 1024, 100L * 1024 * 1024, 512,
            32);
}
