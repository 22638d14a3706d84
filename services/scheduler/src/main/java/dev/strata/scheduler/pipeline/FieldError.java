package dev.strata.scheduler.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One finding about a submitted pipeline: where (YAML path, line, column) and what, in a sentence. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(String path, Integer line, Integer column, String message) {
}
