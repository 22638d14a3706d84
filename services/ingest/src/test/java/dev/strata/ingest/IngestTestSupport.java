package dev.strata.ingest;

import static io.restassured.RestAssured.given;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

import org.awaitility.Awaitility;

import com.sun.net.httpserver.HttpServer;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.S3Server;
import dev.strata.devstack.quarkus.IssuerClient;

/**
 * What the ingest tests share: a loopback HTTP server that serves files, the admin's token, submitting a load and
 * waiting for its end, and reading the warehouse and the lake as a user would.
 */
public final class IngestTestSupport {

    public static final String BUCKET = "strata-lake";

    private static HttpServer server;
    private static final Map<String, byte[]> FILES = new ConcurrentHashMap<>();
    private static final Map<String, String> REQUIRED_AUTH = new ConcurrentHashMap<>();
    private static final Set<String> STREAMED = ConcurrentHashMap.newKeySet();
    private static String adminToken;

    private final DevStack stack;

    public IngestTestSupport(DevStack stack) {
        this.stack = stack;
    }

    /** Serves {@code body} at {@code path} on the loopback test server; returns its URL. */
    public static synchronized String serve(String path, byte[] body) {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/", exchange -> {
                String p = exchange.getRequestURI().getPath();
                String expected = REQUIRED_AUTH.get(p);
                if (expected != null && !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    exchange.sendResponseHeaders(401, -1);
                    exchange.close();
                    return;
                }
                if (p.startsWith("/redirect")) {
                    exchange.getResponseHeaders().add("Location", exchange.getRequestURI().getQuery());
                    exchange.sendResponseHeaders(302, -1);
                    exchange.close();
                    return;
                }
                byte[] bytes = FILES.get(p);
                if (bytes == null) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                // a streamed file goes out chunked: its size is known only at its end
                exchange.sendResponseHeaders(200, STREAMED.contains(p) ? 0 : bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
        }
        FILES.put(path, body);
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public static String serve(String path, String body) {
        return serve(path, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Serves {@code body} at {@code path} without a Content-Length (chunked); returns its URL. */
    public static String serveStreamed(String path, String body) {
        STREAMED.add(path);
        return serve(path, body);
    }

    public static void requireAuthorization(String path, String header) {
        REQUIRED_AUTH.put(path, header);
    }

    public static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    public synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = new IssuerClient(stack.auth()).adminToken();
        }
        return adminToken;
    }

    public String tokenFor(Map<String, String> bindings) {
        return new IssuerClient(stack.auth()).tokenFor(bindings);
    }

    /** Submits a load spec (JSON) as the admin; returns the run id. */
    public String submit(String spec) {
        return given().auth().oauth2(adminToken()).contentType("application/json").body(spec)
                .post("/api/v1/loads").then().statusCode(202).extract().path("id");
    }

    /** Waits until the run is succeeded or failed; returns it. */
    public JsonPath await(String id) {
        List<JsonPath> last = new ArrayList<>(1);
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath run = given().auth().oauth2(adminToken()).get("/api/v1/loads/" + id).then().statusCode(200)
                    .extract().jsonPath();
            last.clear();
            last.add(run);
            String status = run.getString("status");
            return "succeeded".equals(status) || "failed".equals(status);
        });
        return last.get(0);
    }

    /** Submits and waits. */
    public JsonPath load(String spec) {
        return await(submit(spec));
    }

    public Connection warehouse() throws SQLException {
        return stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
    }

    public long count(String sql) throws SQLException {
        try (Connection c = warehouse(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The rows of a query, each row's columns joined with {@code |} (NULL as {@code ∅}). */
    public List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = warehouse(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> cols = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    cols.add(v == null ? "∅" : v);
                }
                rows.add(String.join("|", cols));
            }
        }
        return rows;
    }

    public boolean tableExists(String qualified) throws SQLException {
        try (Connection c = warehouse();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT to_regclass('" + qualified + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** column name → data type of a warehouse table, in order. */
    public List<String> columnTypes(String schema, String table) throws SQLException {
        return rows("SELECT column_name || ':' || data_type FROM information_schema.columns WHERE table_schema = '"
                + schema + "' AND table_name = '" + table + "' ORDER BY ordinal_position");
    }

    public MinioClient s3() {
        S3Server s3 = stack.s3();
        return MinioClient.builder().endpoint(s3.endpoint()).region(S3Server.REGION)
                .credentials(s3.accessKey(), s3.secretKey()).build();
    }

    public void putObject(String key, byte[] bytes) throws Exception {
        s3().putObject(PutObjectArgs.builder().bucket(BUCKET).object(key)
                .stream(new ByteArrayInputStream(bytes), (long) bytes.length, null).build());
    }

    public long objectSize(String key) throws Exception {
        return s3().statObject(StatObjectArgs.builder().bucket(BUCKET).object(key).build()).size();
    }

    public static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().substring(0, 8).replace("-", "");
    }
}
