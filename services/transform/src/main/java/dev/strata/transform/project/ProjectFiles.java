package dev.strata.transform.project;

import java.io.ByteArrayInputStream;
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

    /** Archives bigger than this once unpacked are refused. */
    public static final long MAX_UNPACKED_BYTES = 64L * 1024 * 1024;
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

    /** Unpacks a zip or a tar.gz (detected from its first bytes). */
    public static ProjectFiles fromArchive(byte[] archive) {
        Map<String, String> files = new TreeMap<>();
        long total = 0;
        try {
            if (archive.length > 2 && archive[0] == 'P' && archive[1] == 'K') {
                try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
                    for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                        if (!e.isDirectory() && isProjectFile(e.getName())) {
                            String text = readLimited(zip, MAX_UNPACKED_BYTES - total);
                            total += text.length();
                            files.put(clean(e.getName()), text);
                        }
                    }
                }
            } else if (archive.length > 2 && (archive[0] & 0xff) == 0x1f && (archive[1] & 0xff) == 0x8b) {
                try (TarArchiveInputStream tar = new TarArchiveInputStream(
                        new GZIPInputStream(new ByteArrayInputStream(archive)))) {
                    for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                        if (e.isFile() && isProjectFile(e.getName())) {
                            String text = readLimited(tar, MAX_UNPACKED_BYTES - total);
                            total += text.length();
                            files.put(clean(e.getName()), text);
                        }
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
        return of(files);
    }

    private static String readLimited(InputStream in, long budget) throws IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, budget + 1));
        if (bytes.length > budget) {
            throw new ProjectException(new ProjectProblem("(archive)", 0, "the archive unpacks to more than "
                    + MAX_UNPACKED_BYTES / (1024 * 1024) + " MB"));
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String clean(String name) {
        String n = name.replace('\\', '/');
        while (n.startsWith("./") || n.startsWith("/")) {
            n = n.substring(n.startsWith("./") ? 2 : 1);
        }
        if (n.contains("../")) {
            throw new ProjectException(new ProjectProblem(name, 0, "archive entries may not leave the project"));
        }
        return n;
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
