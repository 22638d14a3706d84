package dev.strata.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/**
 * A failure the user can act on. The message is one plain sentence that says what went wrong and what to do; the
 * command line prints it without a stack trace.
 */
public class StrataException extends RuntimeException {

    private final int exitCode;

    public StrataException(String message) {
        this(ExitCodes.FAILURE, message, null);
    }

    public StrataException(String message, Throwable cause) {
        this(ExitCodes.FAILURE, message, cause);
    }

    public StrataException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The exit code of the command that failed with it ({@link ExitCodes}). */
    public int exitCode() {
        return exitCode;
    }

    /** What went wrong with a file, in a few words (a file-system exception's message is often just the path). */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fs) {
            if (fs.getReason() != null) {
                return fs.getReason();
            }
            if (e instanceof AccessDeniedException) {
                return "permission denied";
            }
            if (e instanceof NoSuchFileException) {
                return "no such file or directory";
            }
            return e.getClass().getSimpleName();
        }
        return e.getMessage();
    }
}
