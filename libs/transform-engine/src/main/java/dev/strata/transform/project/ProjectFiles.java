package dev.strata.transform.project;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The text files of a project, by path relative to the folder holding {@code dbt_project.yml} (forward slashes).
 * Read from a folder or from an archive (zip or tar.gz); an archive may wrap the project in one top folder.
 */
public final class ProjectFiles {

    private static final String PROJECT_FILE = "dbt_project.yml";

    private final Map<String, String> files;

    private ProjectFiles(Map<String, String> files) {
        this.files = files;
    }

    public static ProjectFiles of(Map<String, String> files) {
        return new ProjectFiles(rebase(new TreeMap<>(files)));
    }

    public static ProjectFiles fromDirectory(Path root) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                String rel = root.relativize(p).toString().replace('\\', '/');
                if (isProjectFile(rel)) {
                    files.put(rel, Files.readString(p, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return of(files);
    }

    /** Unpacks a zip or a tar.gz held in memory, within the default limits (tests and benchmarks). */
    public static ProjectFiles fromArchive(byte[] archive) {
        return fromArchive(new ByteArrayInputStream(archive), ArchiveLimits.DEFAULTS);
    }

    /**
     * Unpacks a zip or a tar.gz (told apart by its first bytes) while reading it: the archive itself is never held in
     * memory, only the project's text files are kept. Every entry counts against the limits, also the ones skipped;
     * an entry over a limit ends the read with a 413 problem naming it and the limit, an entry that would leave the
     * project (absolute path, {@code ..}) or a link with a {@link ProjectException}.
     */
    public static ProjectFiles fromArchive(InputStream archive, ArchiveLimits limits) {
        Unpacker unpacker = new Unpacker(limits);
        try {
            BufferedInputStream in = new BufferedInputStream(archive);
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 'P' && b1 == 'K') {
                try (ZipInputStream zip = new ZipInputStream(in)) {
                    for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                        unpacker.entry(e.getName(), e.isDirectory(), zip);
                    }
                }
            } else if (b0 == 0x1f && b1 == 0x8b) {
                try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
                    for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                        if (e.isSymbolicLink() || e.isLink()) {
                            throw new ProjectException(new ProjectProblem(e.getName(), 0, "archive entries may not be"
                                    + " links (this one points to '" + e.getLinkName() + "')"));
                        }
                        if (!e.isFile() && !e.isDirectory()) {
                            throw new ProjectException(new ProjectProblem(e.getName(), 0, "archive entries must be"
                                    + " files or folders"));
                        }
                        unpacker.entry(e.getName(), e.isDirectory(), tar);
                    }
                }
            } else {
                throw new ProjectException(new ProjectProblem("(archive)", 0,
                        "the upload is neither a zip nor a tar.gz archive"));
            }
        } catch (IOException e) {
            throw new ProjectException(new ProjectProblem("(archive)", 0, "the archive cannot be read: "
                    + e.getMessage()));
        }
        return of(unpacker.files);
    }

    /** Reads the entries of one archive, counting what they unpack to. */
    private static final class Unpacker {

        private final ArchiveLimits limits;
        private final Map<String, String> files = new TreeMap<>();
        private final byte[] buffer = new byte[8192];
        private int entries;
        private long total;

        Unpacker(ArchiveLimits limits) {
            this.limits = limits;
        }

        void entry(String rawName, boolean directory, InputStream in) throws IOException {
            if (++entries > limits.maxEntries()) {
                throw tooLarge("the archive has more than " + limits.maxEntries() + " entries (at '" + rawName
                        + "'); the limit is strata.transform.project-limits.max-entries");
            }
            String name = clean(rawName);
            if (directory) {
                return;
            }
            boolean keep = isProjectFile(name);
            ByteArrayOutputStream text = keep ? new ByteArrayOutputStream() : null;
            long size = 0;
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                size += n;
                total += n;
                if (size > limits.maxFileBytes()) {
                    throw tooLarge("archive entry '" + name + "' unpacks to more than " + bytes(limits.maxFileBytes())
                            + "; the limit is strata.transform.project-limits.max-file-bytes");
                }
                if (total > limits.maxTotalBytes()) {
                    throw tooLarge("the archive unpacks to more than " + bytes(limits.maxTotalBytes()) + " (at '"
                            + name + "'); the limit is strata.transform.project-limits.max-total-bytes");
                }
                if (keep) {
                    text.write(buffer, 0, n);
                }
            }
            if (keep) {
                files.put(name, text.toString(StandardCharsets.UTF_8));
            }
        }

        /** The entry's path without a leading {@code ./}; one that leaves the project, or too long, is refused. */
        private String clean(String rawName) {
            String n = rawName.replace('\\', '/');
            if (n.length() > limits.maxPathLength()) {
                throw new ProjectException(new ProjectProblem(n.substring(0, Math.min(n.length(), 80)) + "...", 0,
                        "the path of this archive"
                                + " entry is longer than " + limits.maxPathLength() + " characters; the limit is"
                                + " strata.transform.project-limits.max-path-length"));
            }
            if (n.startsWith("/") || n.matches("^[A-Za-z]:.*")) {
                throw new ProjectException(new ProjectProblem(rawName, 0, "archive entries may not have an absolute"
                        + " path"));
            }
            while (n.startsWith("./")) {
                n = n.substring(2);
            }
            String[] segments = n.split("/");
            for (String segment : segments) {
                if (segment.equals("..")) {
                    throw new ProjectException(new ProjectProblem(rawName, 0, "archive entries may not leave the"
                            + " project ('..' in the path)"));
                }
            }
            if (segments.length > limits.maxPathDepth()) {
                throw new ProjectException(new ProjectProblem(rawName, 0, "the path of this archive entry is more than "
                        + limits.maxPathDepth() + " folders deep; the limit is"
                        + " strata.transform.project-limits.max-path-depth"));
            }
            return n;
        }

        private static ArchiveTooLargeException tooLarge(String detail) {
            return new ArchiveTooLargeException("The project archive is refused: " + detail + ".");
        }

        private static String bytes(long n) {
            return n % (1024 * 1024) == 0 ? n / (1024 * 1024) + " MB (" + n + " bytes)" : n + " bytes";
        }
    }

    private static boolean isProjectFile(String name) {
        String n = name.toLowerCase();
        return (n.endsWith(".sql") || n.endsWith(".yml") || n.endsWith(".yaml") || n.endsWith(".csv")
                || n.endsWith(".md")) && !n.contains("/target/") && !n.startsWith("target/")
                && !n.contains("/dbt_packages/") && !n.contains("/.");
    }

    /** Makes paths relative to the folder that holds dbt_project.yml (the shallowest one). */
    private static Map<String, String> rebase(Map<String, String> files) {
        String prefix = files.keySet().stream().filter(k -> k.equals(PROJECT_FILE) || k.endsWith("/" + PROJECT_FILE))
                .min((a, b) -> Integer.compare(a.length(), b.length()))
                .map(k -> k.substring(0, k.length() - PROJECT_FILE.length())).orElse("");
        if (prefix.isEmpty()) {
            return files;
        }
        Map<String, String> rebased = new TreeMap<>();
        files.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                rebased.put(k.substring(prefix.length()), v);
            }
        });
        return rebased;
    }

    public Map<String, String> all() {
        return files;
    }

    public String get(String path) {
        return files.get(path);
    }

    public boolean has(String path) {
        return files.containsKey(path);
    }
}
