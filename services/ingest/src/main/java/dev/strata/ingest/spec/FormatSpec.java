package dev.strata.ingest.spec;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How the source's bytes are written.
 *
 * @param type        csv | tsv | json (an array of objects) | ndjson (one object per line)
 * @param delimiter   the field separator of csv (default {@code ,}; tsv: tab)
 * @param quote       the quote character of csv/tsv (default {@code "})
 * @param header      whether the first line names the columns (default true)
 * @param encoding    the text encoding (default UTF-8); invalid bytes fail the load
 * @param nullMarkers field values read as NULL (default: the empty field)
 * @param compression auto (gzip detected by its magic bytes) | none | gzip
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FormatSpec(String type, String delimiter, String quote, Boolean header, String encoding,
        List<String> nullMarkers, String compression) {

    public static final FormatSpec DEFAULT = new FormatSpec(null, null, null, null, null, null, null);

    public FormatSpec {
        type = type == null ? "csv" : type.toLowerCase(Locale.ROOT);
        delimiter = delimiter == null ? ("tsv".equals(type) ? "\t" : ",") : delimiter;
        quote = quote == null ? "\"" : quote;
        header = header == null ? Boolean.TRUE : header;
        encoding = encoding == null ? "UTF-8" : encoding;
        nullMarkers = nullMarkers == null ? List.of("") : List.copyOf(nullMarkers);
        compression = compression == null ? "auto" : compression.toLowerCase(Locale.ROOT);
    }

    @JsonIgnore
    public boolean isJson() { return "json".equals(type) || "ndjson".equals(type); }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (!List.of("csv", "tsv", "json", "ndjson").contains(type)) {
            problems.add("format.type must be csv, tsv, json or ndjson, got '" + type + "'");
        }
        if (delimiter.length() != 1) {
            problems.add("format.delimiter must be one character, got '" + delimiter + "'");
        }
        if (quote.length() != 1) {
            problems.add("format.quote must be one character, got '" + quote + "'");
        }
        if (!delimiter.isEmpty() && delimiter.equals(quote)) {
            problems.add("format.delimiter and format.quote must differ");
        }
        try {
            Charset.forName(encoding);
        } catch (RuntimeException e) {
            problems.add("format.encoding '" + encoding + "' is not a known character set");
        }
        if (!List.of("auto", "none", "gzip").contains(compression)) {
            problems.add("format.compression must be auto, none or gzip, got '" + compression + "'");
        }
        return problems;
    }
}
