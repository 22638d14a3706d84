package dev.strata.ingest.spec;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.strata.events.LoadModes;
import dev.strata.events.LoadSpec;
import dev.strata.ingest.load.ColumnType;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Urls;
import dev.strata.warehouse.Namespaces;

/**
 * What ingest checks in a {@link LoadSpec} (the platform's one record, {@code libs/events}) before it runs one: the
 * namespace rule, the vocabulary, URLs and private hosts, no credentials inline. Each problem is written for a person.
 */
public final class LoadSpecCheck {

    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*\\.)?[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern REF = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private LoadSpecCheck() {
    }

    /** Every problem of {@code spec}; empty when it is usable. */
    public static List<String> problems(LoadSpec spec) {
        List<String> problems = new ArrayList<>();
        Namespaces.problem(spec.namespace()).ifPresent(problems::add);
        if (spec.name() == null || !LoadSpec.NAME.matcher(spec.name()).matches()) {
            problems.add("name must be a lower-case identifier ([a-z][a-z0-9_]*), got '" + spec.name() + "'");
        }
        if (spec.source() == null) {
            problems.add("source is required: {\"kind\":\"http|s3|upload|jdbc\", ...}");
        } else {
            problems.addAll(source(spec.source()));
        }
        problems.addAll(format(spec.format()));
        if (!LoadModes.ALL.contains(spec.loadMode())) {
            problems.add("loadMode must be replace, append or merge, got '" + spec.loadMode() + "'");
        }
        if (LoadModes.MERGE.equals(spec.loadMode()) && spec.mergeKey().isEmpty()) {
            problems.add("loadMode merge needs mergeKey: the columns that identify a row, e.g. [\"id\"]");
        }
        for (String key : spec.mergeKey()) {
            if (key == null || !LoadSpec.COLUMN.matcher(key).matches()) {
                problems.add("mergeKey column '" + key + "' is not a column name");
            }
        }
        if (!LoadSpec.CONTRACTS.contains(spec.contract())) {
            problems.add("contract must be evolve, freeze, discard_row or quarantine, got '" + spec.contract() + "'");
        }
        for (LoadSpec.Column column : spec.columns()) {
            problems.addAll(column(column));
        }
        return problems;
    }

    private static List<String> column(LoadSpec.Column column) {
        List<String> problems = new ArrayList<>();
        String name = column.name();
        if (name == null || !LoadSpec.COLUMN.matcher(name).matches()) {
            problems.add("column name '" + name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
        }
        if (column.type() != null && ColumnType.parse(column.type()) == null) {
            problems.add("column " + name + ": type '" + column.type() + "' is not one of " + ColumnType.names());
        }
        return problems;
    }

    private static List<String> format(LoadSpec.Format format) {
        List<String> problems = new ArrayList<>();
        if (!LoadSpec.FORMAT_TYPES.contains(format.type())) {
            problems.add("format.type must be csv, tsv, json or ndjson, got '" + format.type() + "'");
        }
        if (format.delimiter().length() != 1) {
            problems.add("format.delimiter must be one character, got '" + format.delimiter() + "'");
        }
        if (format.quote().length() != 1) {
            problems.add("format.quote must be one character, got '" + format.quote() + "'");
        }
        if (!format.delimiter().isEmpty() && format.delimiter().equals(format.quote())) {
            problems.add("format.delimiter and format.quote must differ");
        }
        try {
            Charset.forName(format.encoding());
        } catch (RuntimeException e) {
            problems.add("format.encoding '" + format.encoding() + "' is not a known character set");
        }
        if (!LoadSpec.COMPRESSIONS.contains(format.compression())) {
            problems.add("format.compression must be auto, none or gzip, got '" + format.compression() + "'");
        }
        return problems;
    }

    private static List<String> source(LoadSpec.Source source) {
        List<String> problems = new ArrayList<>();
        String kind = source.kind();
        if (kind == null || !LoadSpec.SOURCE_KINDS.contains(kind)) {
            problems.add("source.kind must be http, s3, upload or jdbc, got '" + kind + "'");
            return problems;
        }
        if (source.connection() != null) {
            return connectionProblems(source, problems);
        }
        switch (kind) {
            case "http" -> {
                try {
                    if (Urls.http(source.url(), "source.url").getUserInfo() != null) {
                        problems.add("source.url must not carry credentials; name a secret in "
                                + "source.credentialsRef");
                    }
                } catch (AddressRefusedException e) {
                    problems.add(e.getMessage());
                }
            }
            case "s3" -> {
                if (source.bucket() == null || source.bucket().isBlank()) {
                    problems.add("source.bucket is required for an s3 source");
                }
                if ((source.key() == null || source.key().isBlank()) == (source.prefix() == null
                        || source.prefix().isBlank())) {
                    problems.add("an s3 source needs exactly one of source.key and source.prefix");
                }
            }
            case "upload" -> {
                if (source.bucket() == null || source.bucket().isBlank()) {
                    problems.add("source.bucket is required for an upload source");
                }
                if (source.key() == null || source.key().isBlank()) {
                    problems.add("source.key of an upload must be the uploaded object, ns/<namespace>/uploads/...");
                }
            }
            case "jdbc" -> {
                try {
                    Urls.postgresHosts(source.jdbcUrl(), "source.jdbcUrl");
                } catch (AddressRefusedException e) {
                    problems.add(e.getMessage());
                }
                if (source.jdbcUrl() != null && source.jdbcUrl().contains("password=")) {
                    problems.add("source.jdbcUrl must not carry a password; name a secret in source.credentialsRef");
                }
                if (source.table() == null || !TABLE.matcher(source.table()).matches()) {
                    problems.add("source.table must be a table name (schema.table or table), got '" + source.table()
                            + "'");
                }
                if (source.cursorColumn() != null && !LoadSpec.COLUMN.matcher(source.cursorColumn()).matches()) {
                    problems.add("source.cursorColumn must be a column name");
                }
            }
            default -> throw new IllegalStateException(kind);
        }
        if (source.credentialsRef() != null && !REF.matcher(source.credentialsRef()).matches()) {
            problems.add("source.credentialsRef must be a secret name ([A-Za-z0-9_.-]+)");
        }
        if (source.connection() != null && !REF.matcher(source.connection()).matches()) {
            problems.add("source.connection must be a connection name ([A-Za-z0-9_.-]+)");
        }
        return problems;
    }

    /** A source that names a connection: the connection supplies the URL or bucket and the credentials. */
    private static List<String> connectionProblems(LoadSpec.Source source, List<String> problems) {
        String kind = source.kind();
        if (!REF.matcher(source.connection()).matches()) {
            problems.add("source.connection must be a connection name ([A-Za-z0-9_.-]+)");
        }
        if (source.credentialsRef() != null) {
            problems.add("source.credentialsRef and source.connection exclude each other: the connection holds the "
                    + "credentials");
        }
        switch (kind) {
            case "http" -> {
                String url = source.url();
                if (url != null && (url.contains("://") || url.startsWith("//"))) {
                    problems.add("source.url must be a path relative to the connection's baseUrl (or absent) when "
                            + "source.connection is set");
                }
            }
            case "s3" -> {
                if (source.bucket() != null) {
                    problems.add("source.bucket comes from the connection; leave it out");
                }
                if ((source.key() == null || source.key().isBlank()) == (source.prefix() == null
                        || source.prefix().isBlank())) {
                    problems.add("an s3 source needs exactly one of source.key and source.prefix");
                }
            }
            case "jdbc" -> {
                if (source.jdbcUrl() != null) {
                    problems.add("source.jdbcUrl comes from the connection; leave it out");
                }
                if (source.table() == null || !TABLE.matcher(source.table()).matches()) {
                    problems.add("source.table must be a table name (schema.table or table), got '" + source.table()
                            + "'");
                }
                if (source.cursorColumn() != null && !LoadSpec.COLUMN.matcher(source.cursorColumn()).matches()) {
                    problems.add("source.cursorColumn must be a column name");
                }
            }
            default -> problems.add("source.connection is for http, s3 and jdbc sources, not " + kind);
        }
        return problems;
    }
}
