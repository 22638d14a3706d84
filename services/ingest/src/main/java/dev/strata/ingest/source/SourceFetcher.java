package dev.strata.ingest.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.postgresql.PGConnection;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;

import dev.strata.events.LoadSpec;
import dev.strata.ingest.connection.ConnectionResolver;
import dev.strata.ingest.load.ColumnType;
import dev.strata.ingest.load.Columns;
import dev.strata.ingest.load.LoadException;
import dev.strata.netguard.AddressRefusedException;
import dev.strata.netguard.Redirects;
import dev.strata.netguard.Urls;

/**
 * Copies a load's source to the worker's disk, streaming, within the byte limit: an HTTP(S) URL (redirects followed by
 * hand, each hop checked by the address guard), an S3 object or every object under a prefix, an upload, or a JDBC
 * table (extracted with {@code COPY ... TO STDOUT} in one snapshot, fully or after the last cursor value).
 */
public final class SourceFetcher {

    private static final int MAX_REDIRECTS = 5;

    private final MinioClient s3;
    private final ConnectionResolver connections;
    private final long maxBytes;
    private final Duration timeout;
    private final HttpClient http;

    public SourceFetcher(MinioClient s3, ConnectionResolver connections, long maxBytes, Duration timeout) {
        this.s3 = s3;
        this.connections = connections;
        this.maxBytes = maxBytes;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** What a fetch produced: the files, and for JDBC the source's column types and the new cursor value. */
    public record Fetched(List<SpooledFile> files, Map<String, ColumnType> sourceTypes, String newCursor) {
    }

    /**
     * Fetches a namespace's source: with {@code source.connection}, the namespace's connection supplies the base URL,
     * endpoint or JDBC URL and the credentials ({@link ConnectionResolver}).
     */
    public Fetched fetch(String namespace, LoadSpec.Source spec, Path dir, String previousCursor) {
        ConnectionResolver.Use use = connections.use(namespace, spec);
        LoadSpec.Source source = use.source();
        return switch (source.kind()) {
            case "http" -> new Fetched(List.of(http(source, use, dir)), Map.of(), null);
            case "s3", "upload" -> new Fetched(s3(source, use.s3() == null ? s3 : use.s3(), dir), Map.of(), null);
            case "jdbc" -> jdbc(source, use, dir, previousCursor);
            default -> throw LoadException.input("unknown source kind " + source.kind());
        };
    }

    private SpooledFile http(LoadSpec.Source source, ConnectionResolver.Use use, Path dir) {
        URI uri;
        try {
            uri = Urls.http(source.url(), "source.url");
        } catch (AddressRefusedException e) {
            throw refused(e);
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
        if (use.headerName() != null) {
            // sent to the first host only: Redirects drops it on every redirect
            request.header(use.headerName(), use.headerValue());
        }
        HttpResponse<InputStream> response;
        try {
            response = Redirects.send(http, request.build(), HttpResponse.BodyHandlers.ofInputStream(), use.guard(),
                    MAX_REDIRECTS);
        } catch (AddressRefusedException e) {
            throw refused(e);
        } catch (HttpTimeoutException e) {
            throw LoadException.unavailable("source " + safe(uri) + " did not answer within " + timeout, e);
        } catch (ConnectException e) {
            throw LoadException.unavailable("source " + safe(uri) + " refused the connection", e);
        } catch (IOException e) {
            throw LoadException.unavailable("source " + safe(uri) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw LoadException.unavailable("interrupted", e);
        }
        uri = response.uri();
        int status = response.statusCode();
        if (status != 200) {
            close(response.body());
            String message = "source " + safe(uri) + " answered HTTP " + status;
            if (status >= 500 || status == 429 || status == 408) {
                throw LoadException.unavailable(message, null);
            }
            throw LoadException.input(message);
        }
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > maxBytes) {
            close(response.body());
            throw LoadException.input("source " + safe(uri) + " is " + declared + " bytes, over the limit of "
                    + maxBytes + " (strata.ingest.max-bytes)");
        }
        String name = fileName(uri.getPath(), "data");
        Path path = dir.resolve(name);
        try {
            // the load reads the body while it arrives
            return new SpooledFile(path, name, -1, Download.start(response.body(), path, maxBytes, safe(uri)));
        } catch (IOException e) {
            close(response.body());
            throw LoadException.unavailable("cannot spool " + safe(uri) + ": " + e.getMessage(), e);
        }
    }

    private List<SpooledFile> s3(LoadSpec.Source source, MinioClient s3, Path dir) {
        List<String> keys = new ArrayList<>();
        if (source.key() != null && !source.key().isBlank()) {
            keys.add(source.key());
        } else {
            try {
                for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder().bucket(source.bucket())
                        .prefix(source.prefix()).recursive(true).build())) {
                    Item it = item.get();
                    if (!it.isDir() && it.size() > 0) {
                        keys.add(it.objectName());
                    }
                }
            } catch (Exception e) {
                throw LoadException.unavailable("cannot list s3://" + source.bucket() + "/" + source.prefix() + ": "
                        + e.getMessage(), e);
            }
            keys.sort(String::compareTo);
            if (keys.isEmpty()) {
                throw LoadException.input("no objects under s3://" + source.bucket() + "/" + source.prefix());
            }
        }
        List<SpooledFile> files = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            String where = "s3://" + source.bucket() + "/" + key;
            try (InputStream in = s3.getObject(GetObjectArgs.builder().bucket(source.bucket()).object(key).build())) {
                String name = (keys.size() > 1 ? String.format("%04d-", i) : "") + fileName(key, "data");
                SpooledFile file = spool(in, dir, name, where);
                total += file.bytes();
                if (total > maxBytes) {
                    throw LoadException.input(where + ": the source is over the limit of " + maxBytes
                            + " bytes (strata.ingest.max-bytes)");
                }
                files.add(file);
            } catch (ErrorResponseException e) {
                if ("NoSuchKey".equals(e.errorResponse().code()) || "NoSuchBucket".equals(e.errorResponse().code())) {
                    throw LoadException.input(where + " does not exist");
                }
                throw LoadException.unavailable("cannot read " + where + ": " + e.getMessage(), e);
            } catch (LoadException e) {
                throw e;
            } catch (Exception e) {
                throw LoadException.unavailable("cannot read " + where + ": " + e.getMessage(), e);
            }
        }
        return files;
    }

    private Fetched jdbc(LoadSpec.Source source, ConnectionResolver.Use use, Path dir, String previousCursor) {
        try {
            use.guard().checkJdbc(source.jdbcUrl(), "source.jdbcUrl");
        } catch (AddressRefusedException e) {
            throw refused(e);
        }
        Properties props = new Properties();
        if (use.user() != null) {
            props.setProperty("user", use.user());
            props.setProperty("password", use.password() == null ? "" : use.password());
        }
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "strata-ingest");
        String table = quoteTable(source.table());
        String where = "jdbc " + source.table();
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), props)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            Map<String, ColumnType> types = new LinkedHashMap<>();
            String cursorType = null;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT * FROM " + table
                            + " LIMIT 0")) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    ColumnType type = ColumnType.parse(meta.getColumnTypeName(i));
                    types.put(Columns.normalize(meta.getColumnName(i), i), type == null ? ColumnType.TEXT : type);
                    if (meta.getColumnName(i).equals(source.cursorColumn())) {
                        cursorType = meta.getColumnTypeName(i);
                    }
                }
            }
            String filter = "";
            String newCursor = null;
            if (source.cursorColumn() != null) {
                if (cursorType == null) {
                    throw LoadException.input(where + " has no column " + source.cursorColumn()
                            + " (source.cursorColumn)");
                }
                String cursor = Columns.quote(source.cursorColumn());
                if (previousCursor != null) {
                    filter = " WHERE " + cursor + " > CAST('" + previousCursor.replace("'", "''") + "' AS "
                            + Columns.quote(cursorType) + ")";
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT max(" + cursor
                                + ")::text FROM " + table + filter)) {
                    rs.next();
                    newCursor = rs.getString(1);
                }
                if (newCursor == null) {
                    newCursor = previousCursor;
                }
                filter += " ORDER BY " + cursor;
            }
            Path path = dir.resolve("extract.csv");
            long bytes;
            try (OutputStream out = Files.newOutputStream(path)) {
                CountingOutputStream counting = new CountingOutputStream(out, maxBytes, where);
                c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT * FROM " + table + filter
                        + ") TO STDOUT WITH (FORMAT csv, HEADER true)", counting);
                bytes = counting.count;
            }
            c.commit();
            return new Fetched(List.of(new SpooledFile(path, "extract.csv", bytes)), types, newCursor);
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("42") || state.startsWith("28")) {
                throw LoadException.input(where + ": " + firstLine(e.getMessage()));
            }
            throw LoadException.unavailable(where + ": " + firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw LoadException.unavailable("cannot spool " + where + ": " + e.getMessage(), e);
        }
    }

    /** A refused address is the user's input: failed, not retried (a name that does not resolve may come back). */
    private static LoadException refused(AddressRefusedException e) {
        return e.retryable() ? LoadException.unavailable(e.getMessage(), null) : LoadException.input(e.getMessage());
    }

    private SpooledFile spool(InputStream in, Path dir, String name, String where) {
        Path path = dir.resolve(name);
        try (InputStream body = in; OutputStream out = Files.newOutputStream(path)) {
            CountingOutputStream counting = new CountingOutputStream(out, maxBytes, where);
            body.transferTo(counting);
            return new SpooledFile(path, name, counting.count);
        } catch (LoadException e) {
            throw e;
        } catch (IOException e) {
            throw LoadException.unavailable("reading " + where + " failed: " + e.getMessage(), e);
        }
    }

    static String fileName(String path, String fallback) {
        String name = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
        name = name.replaceAll("[^A-Za-z0-9._-]", "_");
        return name.isEmpty() || name.startsWith(".") ? fallback : name;
    }

    /** The URL without its query (which may carry a token). */
    static String safe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }

    private static String quoteTable(String table) {
        int dot = table.indexOf('.');
        return dot < 0
                ? Columns.quote(table)
                : Columns.quote(table.substring(0, dot)) + "." + Columns.quote(table.substring(dot + 1));
    }

    private static String firstLine(String message) {
        return message == null ? "failed" : message.lines().findFirst().orElse(message);
    }

    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // nothing more to read
        }
    }

    /** Counts what passes and stops at the byte limit (strata.ingest.max-bytes); closing it closes the file. */
    static final class CountingOutputStream extends OutputStream {
        private final OutputStream out;
        private final long limit;
        private final String where;
        long count;

        CountingOutputStream(OutputStream out, long limit, String where) {
            this.out = out;
            this.limit = limit;
            this.where = where;
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.close();
        }

        private void check(int len) {
            count += len;
            if (count > limit) {
                throw LoadException.input(where + ": the source is over the limit of " + limit
                        + " bytes (strata.ingest.max-bytes)");
            }
        }
    }
}
