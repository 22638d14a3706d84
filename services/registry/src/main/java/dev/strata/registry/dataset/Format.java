package dev.strata.registry.dataset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How a dataset's files are read: the {@code format} part of the load spec. Fields left out take ingest's defaults.
 *
 * @param type        {@code csv}, {@code tsv}, {@code json} (an array) or {@code ndjson}
 * @param delimiter   csv: one character
 * @param quote       csv: one character
 * @param header      csv, tsv: whether the first line names the columns
 * @param encoding    the character set, e.g. {@code UTF-8}
 * @param nullMarkers values read as NULL, e.g. {@code [""]}
 * @param compression {@code auto}, {@code none} or {@code gzip}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Format(String type, String delimiter, String quote, Boolean header, String encoding,
        List<String> nullMarkers, String compression) {
}
