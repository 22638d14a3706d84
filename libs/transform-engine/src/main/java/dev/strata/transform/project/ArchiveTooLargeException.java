package dev.strata.transform.project;

/**
 * A project archive over one of its {@link ArchiveLimits}: the message names the entry and the limit. The transform
 * service answers it with a 413 problem ({@code archive-too-large}).
 */
public class ArchiveTooLargeException extends RuntimeException {

    public ArchiveTooLargeException(String message) {
        super(message, null, false, false);
    }
}
