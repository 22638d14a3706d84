package dev.strata.ingest.load;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.serveStreamed;
import static dev.strata.ingest.IngestTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.ingest.IngestTestSupport;

/**
 * A source larger than {@code strata.ingest.max-bytes} fails its load with an error that names the limit, whether its
 * size is declared up front (Content-Length), found out while it streams (chunked HTTP) or summed over the objects of
 * an S3 prefix; none of its rows become visible in the table. Its own application start: the limit is read at start.
 */
@QuarkusTest
@TestProfile(ByteLimitTest.SmallLimit.class)
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class ByteLimitTest {

    static final long LIMIT = 100_000;
    static final long DECOMPRESSED_LIMIT = 300_000;

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;
    String name;

    @BeforeEach
    void aTableWithThreeRows() throws Exception {
        it = new IngestTestSupport(stack);
        name = unique("limited");
        JsonPath first = load("{\"kind\":\"http\",\"url\":\"" + serve("/" + name + "/small.csv", csv(3)) + "\"}");
        assertEquals("succeeded", first.getString("status"), first::prettify);
        assertEquals(3, it.count("SELECT count(*) FROM sales__raw." + name));
    }

    @Test
    void aSourceThatDeclaresMoreBytesThanTheLimitIsRefused() throws Exception {
        String body = csv(5_000);
        String url = serve("/" + name + "/big.csv", body);
        JsonPath run = load("{\"kind\":\"http\",\"url\":\"" + url + "\"}");
        assertEquals("failed", run.getString("status"), run::prettify);
        assertEquals("source " + url + " is " + bytes(body) + " bytes, over the limit of " + LIMIT
                + " (strata.ingest.max-bytes)", run.getString("error"));
        assertEquals(3, it.count("SELECT count(*) FROM sales__raw." + name), "nothing of the refused load is visible");
    }

    @Test
    void aStreamedSourceFailsWhenItPassesTheLimitAndLeavesTheTableAsItWas() throws Exception {
        String url = serveStreamed("/" + name + "/streamed.csv", csv(5_000));
        JsonPath run = load("{\"kind\":\"http\",\"url\":\"" + url + "\"}");
        assertEquals("failed", run.getString("status"), run::prettify);
        assertEquals(url + ": the source is over the limit of " + LIMIT + " bytes (strata.ingest.max-bytes)",
                run.getString("error"));
        assertEquals(3, it.count("SELECT count(*) FROM sales__raw." + name), "nothing of the failed load is visible");
    }

    @Test
    void theObjectsUnderAnS3PrefixCountTogether() throws Exception {
        String half = csv(1_500);
        assertTrue(bytes(half) < LIMIT && 2 * bytes(half) > LIMIT, "each object fits, both do not");
        it.putObject("ns/sales/incoming/" + name + "/part-1.csv", half.getBytes(StandardCharsets.UTF_8));
        it.putObject("ns/sales/incoming/" + name + "/part-2.csv", half.getBytes(StandardCharsets.UTF_8));
        JsonPath run = load(
                "{\"kind\":\"s3\",\"bucket\":\"strata-lake\",\"prefix\":\"ns/sales/incoming/" + name + "/\"}");
        assertEquals("failed", run.getString("status"), run::prettify);
        assertEquals(
                "s3://strata-lake/ns/sales/incoming/" + name + "/part-2.csv: the source is over the limit of " + LIMIT
                        + " bytes (strata.ingest.max-bytes)",
                run.getString("error"));
        assertEquals(3, it.count("SELECT count(*) FROM sales__raw." + name), "nothing of the failed load is visible");
    }

    @Test
    void aCompressedSourceThatUnpacksToMoreThanItsLimitLoadsNothing() throws Exception {
        byte[] gz = IngestTestSupport.gzip(csv(10_000));
        assertTrue(gz.length < LIMIT, "the compressed source is within max-bytes: " + gz.length);
        String url = serve("/" + name + "/big.csv.gz", gz);
        JsonPath run = load("{\"kind\":\"http\",\"url\":\"" + url + "\"}");
        assertEquals("failed", run.getString("status"), run::prettify);
        assertEquals("big.csv.gz: decompresses to more than " + DECOMPRESSED_LIMIT + " bytes"
                + " (strata.ingest.max-decompressed-bytes); nothing was loaded", run.getString("error"));
        assertEquals(3, it.count("SELECT count(*) FROM raw.sales__" + name), "nothing of the refused load is visible");

        JsonPath next = load("{\"kind\":\"http\",\"url\":\"" + serve("/" + name + "/small.csv.gz",
                IngestTestSupport.gzip(csv(2))) + "\"}");
        assertEquals("succeeded", next.getString("status"), next::prettify);
        assertEquals(5, it.count("SELECT count(*) FROM raw.sales__" + name), "the next load is fine");
    }

    private JsonPath load(String source) {
        return it.load("""
                {"namespace":"sales","name":"%s","source":%s,"format":{"type":"csv"},"loadMode":"append"}
                """.formatted(name, source));
    }

    /** A CSV of {@code rows} rows, about 45 bytes each. */
    private static String csv(int rows) {
        StringBuilder csv = new StringBuilder("id,amount,day,name\n");
        for (int i = 0; i < rows; i++) {
            csv.append(i).append(",1.5,2026-11-01,row number ").append(i).append(" of the source\n");
        }
        return csv.toString();
    }

    private static long bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A byte limit small enough to pass with a test file. */
    public static class SmallLimit implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("strata.ingest.max-bytes", String.valueOf(LIMIT), "strata.ingest.max-decompressed-bytes",
                    String.valueOf(DECOMPRESSED_LIMIT));
        }
    }
}
