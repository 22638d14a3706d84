package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --data-dir}: where the platform keeps its data, logs and pid files. Shared by up, down and status. */
final class DataDirOption {

    private static final String HELP = "Data, logs and pid files of the platform (default: .strata in the Strata"
            + " repository).";

    @Option(names = "--data-dir", paramLabel = "DIR", description = HELP)
    Path dataDir;

    /**
     * The directory as an absolute path without symbolic links once it exists: the processes of the platform are
     * recognised by this path on their command line, so up, status and down must all spell it the same way.
     */
    Path resolve(Repo repo) {
        Path dir = (dataDir != null ? dataDir : repo.defaultDataDir()).toAbsolutePath().normalize();
        try {
            return Files.exists(dir) ? dir.toRealPath() : dir;
        } catch (IOException e) {
            return dir;
        }
    }

    /** {@link #resolve}, creating the directory first. */
    Path create(Repo repo) {
        Path dir = resolve(repo);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StrataException("cannot create the data directory " + dir + " (" + StrataException.reason(e)
                    + "): choose a writable place with --data-dir");
        }
        return resolve(repo);
    }
}
