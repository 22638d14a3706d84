package dev.strata.events;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * What to load and how: the one load spec of the platform. The registry stores it as a dataset's source settings
 * ({@code GET /api/v1/datasets/{namespace}/{name}/load-spec}), the scheduler puts it in {@link IngestRequested} (from a
 * pipeline's inline spec or from the registered dataset a task names), ingest executes it. Every default is set here,
 * once: a field left out reads as its default everywhere.
 *
 * <p>
 * Checks that need more than the record (URLs and private hosts, lake prefixes, column types) belong to the services
 * that enforce them; this record only fixes the vocabulary, the defaults and the field names ({@link #FIELDS} and the
 * nested records' {@code FIELDS}: a reader refuses any other field, naming the allowed ones — {@link #readStrict}).
 *
 * @param namespace the dataset's namespace; its tables go to {@code <pg namespace>__raw}
 * @param name      the dataset's name, a lower-case identifier ({@link #NAME})
 * @param source    where the data comes from
 * @param format    how the bytes are written (ignored for JDBC); default {@link Format#DEFAULT}
 * @param loadMode  replace (default, {@link LoadModes#DEFAULT}) | append | merge
 * @param mergeKey  the key columns of a merge; default none
 * @param contract  evolve (default, {@link #DEFAULT_CONTRACT}) | freeze | discard_row | quarantine
 * @param columns   declared columns (name, type, description); inferred from a sample when empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadSpec(String namespace, String name, Source source, Format format, String loadMode,
        List<String> mergeKey, String contract, List<Column> columns) {

    /** Dataset names: lower-case identifiers, usable as table names. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Column names: identifiers, as written in headers after normalization. */
    public static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");
    public static final List<String> CONTRACTS = List.of("evolve", "freeze", "discard_row", "quarantine");
    public static final String DEFAULT_CONTRACT = "evolve";
    public static final List<String> SOURCE_KINDS = List.of("http", "s3", "upload", "jdbc");
    public static final List<String> FORMAT_TYPES = List.of("csv", "tsv", "json", "ndjson");
    public static final List<String> COMPRESSIONS = List.of("auto", "none", "gzip");

    /** The fields of a load spec, in order; no other is accepted. */
    public static final List<String> FIELDS = fields(LoadSpec.class);

    public LoadSpec {
        format = format == null ? Format.DEFAULT : format;
        loadMode = loadMode == null ? LoadModes.DEFAULT : loadMode.toLowerCase(Locale.ROOT);
        contract = contract == null ? DEFAULT_CONTRACT : contract.toLowerCase(Locale.ROOT);
        mergeKey = mergeKey == null ? List.of() : List.copyOf(mergeKey);
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    /** {@code namespace.name}. */
    public String qualifiedName() {
        return namespace + "." + name;
    }

    /** The same spec for another dataset identity (a registered dataset's spec names its own namespace and name). */
    public LoadSpec withIdentity(String newNamespace, String newName) {
        return new LoadSpec(newNamespace, newName, source, format, loadMode, mergeKey, contract, columns);
    }

    /**
     * Where a load reads from. Credentials are never here: {@code credentialsRef} names a secret and
     * {@code connection} a connection of the namespace, which the worker resolves.
     *
     * @param kind           http | s3 | upload | jdbc
     * @param url            http: the URL (http or https)
     * @param bucket         s3/upload: the bucket
     * @param key            s3/upload: the object key
     * @param prefix         s3: every object under this prefix, in key order
     * @param jdbcUrl        jdbc: a PostgreSQL JDBC URL, without credentials
     * @param table          jdbc: the table, {@code schema.table} or {@code table}
     * @param cursorColumn   jdbc: incremental on this column (rows with a greater value than the last load's)
     * @param credentialsRef the name of a secret holding the source's credentials; optional
     * @param connection     the name of a connection of the namespace (base URL, endpoint, credentials); optional
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Source(String kind, String url, String bucket, String key, String prefix, String jdbcUrl,
            String table, String cursorColumn, String credentialsRef, String connection) {

        public static final List<String> FIELDS = fields(Source.class);

        public Source {
            kind = kind == null ? null : kind.toLowerCase(Locale.ROOT);
        }

        /** An {@code upload} source: the object the registry's upload endpoint stored. */
        public static Source upload(String bucket, String key) {
            return new Source("upload", null, bucket, key, null, null, null, null, null, null);
        }
    }

    /**
     * How the source's bytes are written.
     *
     * @param type        csv (default) | tsv | json (an array of objects) | ndjson (one object per line)
     * @param delimiter   the field separator of csv (default {@code ,}; tsv: tab)
     * @param quote       the quote character of csv/tsv (default {@code "})
     * @param header      whether the first line names the columns (default true)
     * @param encoding    the text encoding (default UTF-8); invalid bytes fail the load
     * @param nullMarkers field values read as NULL (default: the empty field)
     * @param compression auto (default: gzip detected by its magic bytes) | none | gzip
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Format(String type, String delimiter, String quote, Boolean header, String encoding,
            List<String> nullMarkers, String compression) {

        public static final List<String> FIELDS = fields(Format.class);
        public static final Format DEFAULT = new Format(null, null, null, null, null, null, null);

        public Format {
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
    }

    /**
     * A declared column.
     *
     * @param name        the column name, e.g. {@code amount}
     * @param type        the PostgreSQL type, e.g. {@code bigint}; inferred when left out
     * @param description what it means, for people; optional
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Column(String name, String type, String description) {

        public static final List<String> FIELDS = fields(Column.class);
    }

    private static final ObjectReader STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readerFor(LoadSpec.class);
    private static final ObjectReader LENIENT = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readerFor(LoadSpec.class);

    /**
     * A spec a person wrote: a field this record does not know is refused with its path and the allowed fields, e.g.
     * {@code unknown field 'source.load_mode'; the fields here are kind, url, ...}.
     *
     * @throws IllegalArgumentException naming the field, or saying why the JSON is not a spec
     */
    public static LoadSpec readStrict(JsonNode json) {
        try {
            return STRICT.readValue(json);
        } catch (UnrecognizedPropertyException e) {
            String known = e.getKnownPropertyIds() == null
                    ? ""
                    : e.getKnownPropertyIds().stream().map(
                            Object::toString).sorted().collect(Collectors.joining(", "));
            throw new IllegalArgumentException("unknown field '" + path(e) + "'; the fields here are " + known, e);
        } catch (IOException e) {
            String where = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? path(m) + ": " : "";
            throw new IllegalArgumentException("not a load spec: " + where + firstLine(e), e);
        }
    }

    /**
     * A spec that arrived in an event or that a service stored itself: a field this version does not know is ignored
     * (a newer producer may add one).
     */
    public static LoadSpec readLenient(String json) throws JsonProcessingException {
        return LENIENT.readValue(json);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String firstLine(IOException e) {
        String message = e instanceof JsonMappingException m ? m.getOriginalMessage() : e.getMessage();
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static List<String> fields(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(c -> c.getName()).toList();
    }
}
