package dev.strata.registry.dataset;

import static dev.strata.registry.dataset.DatasetNames.printable;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import dev.strata.events.LoadModes;
import dev.strata.events.LoadSpec;
import dev.strata.events.LoadSpec.Format;
import dev.strata.events.LoadSpec.Source;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/**
 * Checks what a caller sends about a dataset and fills in the defaults; every refusal names the field and what would
 * be accepted.
 */
final class DatasetValidator {

    static final List<String> SOURCE_KINDS = LoadSpec.SOURCE_KINDS;
    static final List<String> FORMAT_TYPES = LoadSpec.FORMAT_TYPES;
    static final List<String> COMPRESSIONS = LoadSpec.COMPRESSIONS;
    static final List<String> LOAD_MODES = LoadModes.ALL;
    static final List<String> CONTRACTS = LoadSpec.CONTRACTS;

    /** PostgreSQL types a declared column may have (what ingest infers, plus common spellings). */
    private static final Pattern COLUMN_TYPE = Pattern.compile("(smallint|integer|int|bigint|real|double precision"
            + "|numeric(\\(\\d{1,4}(,\\s*\\d{1,4})?\\))?|decimal(\\(\\d{1,4}(,\\s*\\d{1,4})?\\))?|boolean|date"
            + "|timestamp|timestamptz|timestamp with time zone|timestamp without time zone|time|interval|text"
            + "|varchar(\\(\\d{1,5}\\))?|uuid|json|jsonb|bytea)");
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9_.:-]{0,62}");
    private static final Pattern SECRET_IN_JDBC_URL = Pattern.compile("(?i)[?&;](password|pwd|sslpassword)=");
    private static final int MAX_TEXT = 4000;
    private static final Pattern CONNECTION = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private DatasetValidator() {
    }

    /**
     * The request with defaults filled in, or a 400 naming the first problem. A source in the lake bucket
     * ({@code lakeBucket}) must lie under the namespace's own prefix.
     */
    static DatasetRequest validate(String namespace, String name, DatasetRequest r, String lakeBucket) {
        if (r == null) {
            throw ProblemException.badRequest("The request needs a JSON body describing the dataset.");
        }
        DatasetNames.requireIdentity(namespace, name);
        String layer = DatasetNames.requireLayer(r.layer() == null ? null : r.layer().trim());
        text("description", r.description());
        text("owner", r.owner());
        List<String> tags = tags(r.tags());
        List<Column> columns = columns(r.columns());
        String loadMode = oneOf("loadMode", r.loadMode(), LOAD_MODES, LoadModes.DEFAULT);
        String contract = oneOf("contract", r.contract(), CONTRACTS, LoadSpec.DEFAULT_CONTRACT);
        List<String> mergeKey = r.mergeKey() == null ? List.of() : List.copyOf(r.mergeKey());
        if ("merge".equals(loadMode) && mergeKey.isEmpty()) {
            throw ProblemException.badRequest("loadMode 'merge' needs a mergeKey: the columns that identify a row, "
                    + "e.g. [\"id\"].");
        }
        if (!"merge".equals(loadMode) && !mergeKey.isEmpty()) {
            throw ProblemException.badRequest("mergeKey only applies to loadMode 'merge' (this one is '" + loadMode
                    + "'); leave it out or use merge.");
        }
        Set<String> declared = new HashSet<>();
        columns.forEach(c -> declared.add(c.name()));
        for (String key : mergeKey) {
            if (key == null || key.isBlank()) {
                throw ProblemException.badRequest("mergeKey has an empty column name.");
            }
            if (!columns.isEmpty() && !declared.contains(key)) {
                throw ProblemException.badRequest("mergeKey column '" + printable(key) + "' is not one of the "
                        + "declared columns.");
            }
        }
        Source source = source(r.source(), namespace, lakeBucket);
        Format format = format(r.format());
        return new DatasetRequest(namespace, name, blankToNull(r.description()), blankToNull(r.owner()), tags, layer,
                source, format, loadMode, mergeKey, contract, columns);
    }

    private static Source source(Source s, String namespace, String lakeBucket) {
        if (s == null) {
            return null; // a dataset built by transform has no source
        }
        String kind = oneOf("source.kind", s.kind(), SOURCE_KINDS, null);
        if (kind == null) {
            throw ProblemException.badRequest("source.kind is required: use http, s3, upload or jdbc.");
        }
        if (s.connection() != null) {
            return connectionSource(s, kind);
        }
        switch (kind) {
            case "http" -> {
                URI uri = uri("source.url", s.url());
                if (uri.getScheme() == null || !List.of("http", "https").contains(uri.getScheme().toLowerCase(
                        Locale.ROOT)) || uri.getHost() == null) {
                    throw ProblemException.badRequest("source.url must be an http:// or https:// URL with a host.");
                }
                if (uri.getRawUserInfo() != null) {
                    throw credentialsInline("source.url");
                }
            }
            case "s3" -> {
                required("source.bucket", s.bucket());
                boolean key = s.key() != null && !s.key().isBlank();
                if (key == (s.prefix() != null && !s.prefix().isBlank())) {
                    throw ProblemException.badRequest("An s3 source names either source.key (one object) or "
                            + "source.prefix (every object under it), not both and not neither.");
                }
                if (s.bucket().equals(lakeBucket)) {
                    ownPrefix(key ? "source.key" : "source.prefix", key ? s.key() : s.prefix(), namespace, "");
                }
            }
            case "upload" -> {
                required("source.bucket", s.bucket());
                required("source.key", s.key());
                if (!s.bucket().equals(lakeBucket)) {
                    throw ProblemException.badRequest("An upload source's bucket is the lake bucket '" + lakeBucket
                            + "': use the bucket and key the upload endpoint answered.");
                }
                ownPrefix("source.key", s.key(), namespace, "uploads/");
            }
            case "jdbc" -> {
                required("source.jdbcUrl", s.jdbcUrl());
                required("source.table", s.table());
                if (!s.jdbcUrl().startsWith("jdbc:postgresql://")) {
                    throw ProblemException.badRequest("source.jdbcUrl must be a PostgreSQL URL "
                            + "(jdbc:postgresql://host:port/database).");
                }
                if (SECRET_IN_JDBC_URL.matcher(s.jdbcUrl()).find()) {
                    throw credentialsInline("source.jdbcUrl");
                }
            }
            default -> throw new IllegalStateException(kind);
        }
        return s;
    }

    /**
     * A source that names a connection of the namespace (auth): the connection gives the base URL, bucket or JDBC URL
     * and the credentials, so those are left out (as ingest reads it). Whether it exists is asked at auth
     * ({@link ConnectionNames}).
     */
    private static Source connectionSource(Source s, String kind) {
        if (!CONNECTION.matcher(s.connection()).matches()) {
            throw ProblemException.badRequest("source.connection must be the name of a connection of the namespace "
                    + "(1 to 63 of a-z 0-9 . _ -, starting with a letter or digit).");
        }
        if (s.credentialsRef() != null) {
            throw ProblemException.badRequest("source.credentialsRef and source.connection exclude each other: the "
                    + "connection holds the credentials.");
        }
        switch (kind) {
            case "http" -> {
                if (s.url() != null && (s.url().contains("://") || s.url().startsWith("//"))) {
                    throw ProblemException.badRequest("source.url must be a path relative to the connection's "
                            + "baseUrl (or absent) when source.connection is set.");
                }
            }
            case "s3" -> {
                if (s.bucket() != null) {
                    throw ProblemException.badRequest("source.bucket comes from the connection: leave it out.");
                }
                if ((s.key() == null || s.key().isBlank()) == (s.prefix() == null || s.prefix().isBlank())) {
                    throw ProblemException.badRequest("An s3 source names either source.key (one object) or "
                            + "source.prefix (every object under it), not both and not neither.");
                }
            }
            case "jdbc" -> {
                if (s.jdbcUrl() != null) {
                    throw ProblemException.badRequest("source.jdbcUrl comes from the connection: leave it out.");
                }
                required("source.table", s.table());
            }
            default -> throw ProblemException.badRequest("source.connection: an " + kind + " source reads the "
                    + "platform's own lake and names no connection.");
        }
        return s;
    }

    /** A key or prefix of the lake must lie under the namespace's own prefix: never another namespace's data. */
    private static void ownPrefix(String field, String value, String namespace, String below) {
        String prefix = Namespaces.lakePrefix(namespace) + below;
        if (!value.startsWith(prefix) || value.contains("..") || value.contains("//")) {
            throw ProblemException.badRequest(field + " '" + printable(value) + "' is outside namespace '"
                    + namespace + "': in the lake bucket a load of this namespace reads only under '" + prefix
                    + "' (use the key the upload endpoint answered).");
        }
    }

    private static ProblemException credentialsInline(String field) {
        return ProblemException.badRequest(field + " carries credentials: keep them in a secret and name it in "
                + "source.credentialsRef instead.");
    }

    private static Format format(Format f) {
        if (f == null) {
            return null;
        }
        oneOf("format.type", f.type(), FORMAT_TYPES, null);
        oneOf("format.compression", f.compression(), COMPRESSIONS, null);
        if (f.delimiter() != null && f.delimiter().length() != 1) {
            throw ProblemException.badRequest("format.delimiter must be exactly one character, e.g. \",\" or "
                    + "\";\".");
        }
        if (f.quote() != null && f.quote().length() != 1) {
            throw ProblemException.badRequest("format.quote must be exactly one character, e.g. \"\\\"\".");
        }
        if (f.encoding() != null) {
            try {
                java.nio.charset.Charset.forName(f.encoding());
            } catch (RuntimeException e) {
                throw ProblemException.badRequest("format.encoding '" + printable(f.encoding()) + "' is not a known "
                        + "character set; use e.g. UTF-8 or ISO-8859-1.");
            }
        }
        return f;
    }

    private static List<Column> columns(List<Column> columns) {
        if (columns == null) {
            return List.of();
        }
        List<Column> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            if (c == null || c.name() == null || c.name().isBlank()) {
                throw ProblemException.badRequest("columns[" + i + "] has no name.");
            }
            String colName = c.name();
            if (colName.length() > 63 || colName.chars().anyMatch(Character::isISOControl)) {
                throw ProblemException.badRequest("Column name '" + printable(colName) + "' must have 1 to 63 "
                        + "characters and no control characters.");
            }
            if (!seen.add(colName)) {
                throw ProblemException.badRequest("Column '" + printable(colName) + "' is declared twice.");
            }
            String type = c.type() == null ? "" : c.type().trim().toLowerCase(Locale.ROOT);
            if (!COLUMN_TYPE.matcher(type).matches()) {
                throw ProblemException.badRequest("Column '" + printable(colName) + "' has type '"
                        + printable(c.type()) + "', which is not a supported PostgreSQL type; use e.g. integer, "
                        + "bigint, numeric, boolean, date, timestamp, timestamptz, text or jsonb.");
            }
            text("columns[" + i + "].description", c.description());
            out.add(new Column(colName, type, blankToNull(c.description())));
        }
        return List.copyOf(out);
    }

    private static List<String> tags(List<String> tags) {
        if (tags == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String tag : tags) {
            if (tag == null || !TAG.matcher(tag).matches()) {
                throw ProblemException.badRequest("Tag '" + printable(tag) + "' is not valid: use 1 to 63 lower-case "
                        + "letters, digits, '_', '-', '.' or ':'.");
            }
            if (!out.contains(tag)) {
                out.add(tag);
            }
        }
        return List.copyOf(out);
    }

    private static String oneOf(String field, String value, List<String> allowed, String fallback) {
        if (value == null) {
            return fallback;
        }
        if (!allowed.contains(value)) {
            throw ProblemException.badRequest("Unknown " + field + " '" + printable(value) + "': use "
                    + String.join(", ", allowed) + ".");
        }
        return value;
    }

    private static void required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw ProblemException.badRequest(field + " is required for this kind of source.");
        }
    }

    private static URI uri(String field, String value) {
        required(field, value);
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw ProblemException.badRequest(field + " is not a valid URL.");
        }
    }

    private static void text(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            throw ProblemException.badRequest(field + " is longer than " + MAX_TEXT + " characters.");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
