package dev.strata.scheduler.pipeline;

import java.util.List;

/** A submitted pipeline is not valid: every finding, each with its YAML path and a sentence. */
public class PipelineInvalidException extends RuntimeException {

    private final transient List<FieldError> errors;

    public PipelineInvalidException(List<FieldError> errors) {
        super(errors.isEmpty() ? "invalid pipeline" : describe(errors.get(0)), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    static String describe(FieldError e) {
        String where = e.path() == null || e.path().isEmpty() ? "the document" : e.path();
        String at = e.line() == null ? "" : " (line " + e.line() + ", column " + e.column() + ")";
        return where + at + ": " + e.message();
    }
}
