package dev.strata.ingest.load;

import static dev.strata.ingest.IngestTestSupport.gzip;
import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.ingest.IngestTestSupport;

/** Each source (HTTP, S3 object and prefix, upload, JDBC full and incremental) × each format, into the warehouse. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class LoadSourcesTest {

    static final String CSV = """
            id,amount,day,at,name
            1,10.50,2026-01-02,2026-01-02 10:00:00,alpha
            2,20,2026-01-03,2026-01-03 11:30:00,"beta, with comma"
            3,,2026-01-04,2026-01-04 12:00:00,"gamma ""quoted""\"
            """;

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    private JsonPath load(String name, String source, String format) {
        return it.load("""
                {"namespace":"sales","name":"%s","source":%s,"format":%s,"loadMode":"append"}
                """.formatted(name, source, format));
    }

    private void assertLoaded(JsonPath run, String name, long rows) throws Exception {
        assertEquals("succeeded", run.getString("status"), () -> run.prettify());
        assertEquals(rows, run.getLong("rows"));
        assertEquals(rows, it.count("SELECT count(*) FROM sales__raw." + name));
        String raw = run.getString("rawLocation");
        assertEquals("s3://strata-lake/ns/sales/raw/" + name + "/" + run.getString("id") + "/", raw);
    }

    @Test
    void csvOverHttpIsTypedAndLandsRawInTheLake() throws Exception {
        String name = unique("orders");
        String url = serve("/" + name + "/orders.csv", CSV);
        JsonPath run = load(name, "{\"kind\":\"http\",\"url\":\"" + url + "\"}", "{\"type\":\"csv\"}");
        assertLoaded(run, name, 3);
        assertEquals(List.of("id:integer", "amount:numeric", "day:date", "at:timestamp without time zone",
                "name:text"), it.columnTypes("sales__raw", name));
        assertEquals(List.of("1|10.50|alpha", "2|20|beta, with comma", "3|∅|gamma \"quoted\""),
                it.rows("SELECT id, amount, name FROM sales__raw." + name + " ORDER BY id"));
        assertEquals(CSV.getBytes(StandardCharsets.UTF_8).length,
                it.objectSize("ns/sales/raw/" + name + "/" + run.getString("id") + "/orders.csv"));
        assertEquals(CSV.getBytes(StandardCharsets.UTF_8).length, run.getLong("bytes"));
    }

    @Test
    void aSourceThatBreaksOffMidBodyFailsTheLoadAndLeavesTheTableAsItWas() throws Exception {
        String name = unique("cut");
        assertLoaded(load(name, "{\"kind\":\"http\",\"url\":\"" + serve("/" + name + "/first.csv", CSV) + "\"}",
                "{\"type\":\"csv\"}"), name, 3);
        // the load reads the body while it arrives: rows of the first half reach COPY before the source breaks off
        StringBuilder big = new StringBuilder("id,amount,day,at,name\n");
        for (int i = 0; i < 50_000; i++) {
            big.append(i).append(",1.5,2026-11-01,2026-11-01 10:00:00,row ").append(i).append('\n');
        }
        byte[] body = big.toString().getBytes(StandardCharsets.UTF_8);
        try (ServerSocket source = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread sender = new Thread(() -> {
                try (Socket client = source.accept()) {
                    client.getInputStream().read(new byte[8192]); // the request
                    OutputStream out = client.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: " + body.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    client.setSoLinger(true, 0); // a reset, not a clean end
                } catch (IOException e) {
                    // the test fails on the load's outcome
                }
            });
            sender.start();
            String url = "http://127.0.0.1:" + source.getLocalPort() + "/" + name + "/second.csv";
            JsonPath run = load(name, "{\"kind\":\"http\",\"url\":\"" + url + "\"}", "{\"type\":\"csv\"}");
            sender.join(10_000);
            assertEquals("failed", run.getString("status"), run::prettify);
            assertTrue(run.getString("error").startsWith("reading http://127.0.0.1:" + source.getLocalPort() + "/"
                    + name + "/second.csv failed"), run::prettify);
        }
        assertEquals(3, it.count("SELECT count(*) FROM sales__raw." + name), "nothing of the broken load is visible");
    }

    @Test
    void gzippedTsvOverHttp() throws Exception {
        String name = unique("tsv");
        String tsv = "id\tnote\tok\n1\tfirst\ttrue\n2\t\\N\tfalse\n";
        String url = serve("/" + name + "/data.tsv.gz", gzip(tsv));
        JsonPath run = load(name, "{\"kind\":\"http\",\"url\":\"" + url + "\"}",
                "{\"type\":\"tsv\",\"nullMarkers\":[\"\",\"\\\\N\"]}");
        assertLoaded(run, name, 2);
        assertEquals(List.of("1|first|t", "2|∅|f"), it.rows("SELECT * FROM sales__raw." + name + " ORDER BY id"));
        assertEquals(gzip(tsv).length, it.objectSize("ns/sales/raw/" + name + "/" + run.getString("id")
                + "/data.tsv.gz"));
    }

    @Test
    void aGzipBombIsRefusedByItsRatioAndLoadsNothing() throws Exception {
        String name = unique("gzbomb");
        JsonPath first = load(name, "{\"kind\":\"http\",\"url\":\"" + serve("/" + name + "/ok.csv.gz", gzip(CSV))
                + "\"}", "{\"type\":\"csv\"}");
        assertLoaded(first, name, 3);
        // 2,000,000 identical rows: about 250 KB compressed, 90 MB unpacked (a ratio of about 360)
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            gz.write("id,amount,day,at,name\n".getBytes(StandardCharsets.UTF_8));
            byte[] row = "7,1.50,2026-01-02,2026-01-02 10:00:00,same\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 2_000_000; i++) {
                gz.write(row);
            }
        }
        assertTrue(bomb.size() < 300_000, "a small source: " + bomb.size());
        String url = serve("/" + name + "/bomb.csv.gz", bomb.toByteArray());
        JsonPath run = load(name, "{\"kind\":\"http\",\"url\":\"" + url + "\"}", "{\"type\":\"csv\"}");
        assertEquals("failed", run.getString("status"), run::prettify);
        assertTrue(run.getString("error").startsWith("bomb.csv.gz: decompresses to more than 100 times its"
                + " compressed size"), run.getString("error"));
        assertTrue(run.getString("error").endsWith("(strata.ingest.max-decompression-ratio); nothing was loaded"),
                run.getString("error"));
        assertEquals(3, it.count("SELECT count(*) FROM raw.sales__" + name), "no row of the bomb");

        JsonPath after = load(name, "{\"kind\":\"http\",\"url\":\"" + serve("/" + name + "/again.csv.gz",
                gzip(CSV)) + "\"}", "{\"type\":\"csv\"}");
        assertEquals("succeeded", after.getString("status"), after::prettify);
        assertEquals(6, it.count("SELECT count(*) FROM raw.sales__" + name), "the next load is fine");
    }

    @Test
    void jsonArrayOverHttpKeepsNestedValuesAsJsonb() throws Exception {
        String name = unique("json");
        String url = serve("/" + name + "/items.json", """
                [{"id": 1, "tags": ["a", "b"], "price": 1.5, "at": "2026-01-02T10:00:00Z"},
                 {"id": 2, "tags": {"k": "v"}, "price": null, "at": "2026-01-03T10:00:00+02:00", "extra": "x"}]
                """);
        JsonPath run = load(name, "{\"kind\":\"http\",\"url\":\"" + url + "\"}", "{\"type\":\"json\"}");
        assertLoaded(run, name, 2);
        assertEquals(List.of("id:integer", "tags:jsonb", "price:numeric", "at:timestamp with time zone",
                "extra:text"), it.columnTypes("sales__raw", name));
        assertEquals(List.of("1|b|∅", "2|∅|x"), it.rows("SELECT id, tags->>1, extra FROM sales__raw." + name
                + " ORDER BY id"));
    }

    @Test
    void ndjsonFromAnS3Object() throws Exception {
        String name = unique("events");
        String key = "ns/sales/incoming/" + name + "/events.ndjson";
        it.putObject(key, "{\"id\":1,\"kind\":\"click\"}\n{\"id\":2,\"kind\":\"view\"}\n{\"id\":3}\n"
                .getBytes(StandardCharsets.UTF_8));
        JsonPath run = load(name, "{\"kind\":\"s3\",\"bucket\":\"strata-lake\",\"key\":\"" + key + "\"}",
                "{\"type\":\"ndjson\"}");
        assertLoaded(run, name, 3);
        assertEquals(List.of("1|click", "2|view", "3|∅"), it.rows("SELECT * FROM sales__raw." + name
                + " ORDER BY id"));
    }

    @Test
    void everyObjectUnderAnS3PrefixInKeyOrder() throws Exception {
        String name = unique("parts");
        it.putObject("ns/sales/incoming/" + name + "/part-2.csv", "id,v\n3,c\n".getBytes(StandardCharsets.UTF_8));
        it.putObject("ns/sales/incoming/" + name + "/part-1.csv", "id,v\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
        JsonPath run = load(name, "{\"kind\":\"s3\",\"bucket\":\"strata-lake\",\"prefix\":\"ns/sales/incoming/" + name
                + "/\"}", "{\"type\":\"csv\"}");
        assertLoaded(run, name, 3);
        assertEquals(List.of("1|a", "2|b", "3|c"), it.rows("SELECT * FROM sales__raw." + name + " ORDER BY id"));
        it.objectSize("ns/sales/raw/" + name + "/" + run.getString("id") + "/0000-part-1.csv");
        it.objectSize("ns/sales/raw/" + name + "/" + run.getString("id") + "/0001-part-2.csv");
    }

    @Test
    void anUploadedGzippedCsv() throws Exception {
        String name = unique("upload");
        String key = "ns/sales/uploads/" + name + "/u1/orders.csv.gz";
        it.putObject(key, gzip(CSV));
        JsonPath run = load(name, "{\"kind\":\"upload\",\"bucket\":\"strata-lake\",\"key\":\"" + key + "\"}",
                "{\"type\":\"csv\",\"compression\":\"gzip\"}");
        assertLoaded(run, name, 3);
    }

    @Test
    void aJdbcTableFullyThenIncrementallyOnItsCursor() throws Exception {
        String name = unique("jdbc");
        String schema = "shop_" + name;
        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".customers (id bigint PRIMARY KEY, name text, "
                    + "updated_at timestamptz NOT NULL, score numeric(5,2))");
            s.execute("INSERT INTO " + schema + ".customers VALUES (1, 'ann', '2026-01-01T00:00:00Z', 1.5), "
                    + "(2, 'bob', '2026-01-02T00:00:00Z', NULL)");
        }
        String source = "{\"kind\":\"jdbc\",\"jdbcUrl\":\"" + stack.postgres().jdbcUrl(PostgresServer.METADATA_DB)
                + "\",\"table\":\"" + schema + ".customers\",\"cursorColumn\":\"updated_at\","
                + "\"credentialsRef\":\"test-jdbc\"}";
        JsonPath first = load(name, source, "{}");
        assertLoaded(first, name, 2);
        assertEquals(List.of("id:bigint", "name:text", "updated_at:timestamp with time zone", "score:numeric"),
                it.columnTypes("sales__raw", name));

        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + schema + ".customers VALUES (3, 'cy', '2026-01-03T00:00:00Z', 3)");
        }
        JsonPath second = load(name, source, "{}");
        assertEquals("succeeded", second.getString("status"), second::prettify);
        assertEquals(1, second.getLong("rows"), "only the row after the cursor");
        JsonPath third = load(name, source, "{}");
        assertEquals(0, third.getLong("rows"), "nothing new");
        assertEquals(List.of("1|ann", "2|bob", "3|cy"), it.rows("SELECT id, name FROM sales__raw." + name
                + " ORDER BY id"));
        assertEquals(List.of("2026-01-03 00:00:00+00"), it.rows("SELECT cursor_value FROM strata_ingest.cursor_state"
                + " WHERE namespace = 'sales' AND name = '" + name + "'"));
    }
}
