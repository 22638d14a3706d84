package dev.strata.ingest.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Urls;

/**
 * Where a load reads from. Credentials are never here: {@code credentialsRef} names a secret the worker resolves.
 *
 * @param kind           http | s3 | upload | jdbc
 * @param url            http: the URL (http or https)
 * @param bucket         s3/upload: the bucket
 * @param key            s3/upload: the object key
 * @param prefix         s3: every object under this prefix, in key order
 * @param jdbcUrl        jdbc: a PostgreSQL JDBC URL
 * @param table          jdbc: the table, {@code schema.table} or {@code table}
 * @param cursorColumn   jdbc: incremental on this column (rows with a greater value than the last load's)
 * @param credentialsRef the name of a secret: {@code strata.ingest.secrets.<name>} (env
 *                       {@code STRATA_INGEST_SECRETS_<NAME>})
 * @param connection     the name of a connection of the namespace (auth service): http — its base URL (then
 *                       {@code url} is an optional relative path) and auth header; s3 — its endpoint, bucket and
 *                       credentials; jdbc — its URL, user and password (then no {@code jdbcUrl})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceSpec(String kind, String url, String bucket, String key, String prefix, String jdbcUrl,
        String table, String cursorColumn, String credentialsRef, String connection) {

    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    public SourceSpec {
        kind = kind == null ? null : kind.toLowerCase(Locale.ROOT);
    }

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (kind == null || !List.of("http", "s3", "upload", "jdbc").contains(kind)) {
            problems.add("source.kind must be http, s3, upload or jdbc, got '" + kind + "'");
            return problems;
        }
        if (connection != null) {
            return connectionProblems(problems);
        }
        switch (kind) {
            case "http" -> {
                try {
                    if (Urls.http(url, "source.url").getUserInfo() != null) {
                        problems.add("source.url must not carry credentials; name a secret in "
                                + "source.credentialsRef");
                    }
                } catch (AddressRefusedException e) {
                    problems.add(e.getMessage());
                }
            }
            case "s3" -> {
                if (bucket == null || bucket.isBlank()) {
                    problems.add("source.bucket is required for an s3 source");
                }
                if ((key == null || key.isBlank()) == (prefix == null || prefix.isBlank())) {
                    problems.add("an s3 source needs exactly one of source.key and source.prefix");
                }
            }
            case "upload" -> {
                if (bucket == null || bucket.isBlank()) {
                    problems.add("source.bucket is required for an upload source");
                }
                if (key == null || key.isBlank()) {
                    problems.add("source.key of an upload must be the uploaded object, ns/<namespace>/uploads/...");
                }
            }
            case "jdbc" -> {
                try {
                    Urls.postgresHosts(jdbcUrl, "source.jdbcUrl");
                } catch (AddressRefusedException e) {
                    problems.add(e.getMessage());
                }
                if (jdbcUrl != null && jdbcUrl.contains("password=")) {
                    problems.add("source.jdbcUrl must not carry a password; name a secret in source.credentialsRef");
                }
                if (table == null || !TABLE.matcher(table).matches()) {
                    problems.add("source.table must be a table name (schema.table or table), got '" + table + "'");
                }
                if (cursorColumn != null && !LoadSpec.COLUMN.matcher(cursorColumn).matches()) {
                    problems.add("source.cursorColumn must be a column name");
                }
            }
            default -> throw new IllegalStateException(kind);
        }
        if (credentialsRef != null && !REF.matcher(credentialsRef).matches()) {
            problems.add("source.credentialsRef must be a secret name ([A-Za-z0-9_.-]+)");
        }
        return problems;
    }

    /** A source that names a connection: the connection supplies the URL or bucket and the credentials. */
    private List<String> connectionProblems(List<String> problems) {
        if (!REF.matcher(connection).matches()) {
            problems.add("source.connection must be a connection name ([a-z0-9._-]+)");
        }
        if (credentialsRef != null) {
            problems.add("source.credentialsRef and source.connection exclude each other: the connection holds the "
                    + "credentials");
        }
        switch (kind) {
            case "http" -> {
                if (url != null && (url.contains("://") || url.startsWith("//"))) {
                    problems.add("source.url must be a path relative to the connection's baseUrl (or absent) when "
                            + "source.connection is set");
                }
            }
            case "s3" -> {
                if (bucket != null) {
                    problems.add("source.bucket comes from the connection; leave it out");
                }
                if ((key == null || key.isBlank()) == (prefix == null || prefix.isBlank())) {
                    problems.add("an s3 source needs exactly one of source.key and source.prefix");
                }
            }
            case "jdbc" -> {
                if (jdbcUrl != null) {
                    problems.add("source.jdbcUrl comes from the connection; leave it out");
                }
                if (table == null || !TABLE.matcher(table).matches()) {
                    problems.add("source.table must be a table name (schema.table or table), got '" + table + "'");
                }
                if (cursorColumn != null && !LoadSpec.COLUMN.matcher(cursorColumn).matches()) {
                    problems.add("source.cursorColumn must be a column name");
                }
            }
            default -> problems.add("source.connection is for http, s3 and jdbc sources, not " + kind);
        }
        return problems;
    }
}
