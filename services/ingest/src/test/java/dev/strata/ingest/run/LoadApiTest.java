package dev.strata.ingest.run;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.ingest.IngestTestSupport;

/** The REST API: roles and namespaces, validation, SSRF refusal, secrets never echoed, idempotency, metrics. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class LoadApiTest {

    /** The value of strata.ingest.secrets.test-http-token in the test profile. */
    static final String TOKEN = "s3cr3t-token-for-tests";

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    private static String spec(String name, String url) {
        return """
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s"}}
                """.formatted(name, url);
    }

    @Test
    void sourcesOnInternalAddressesAreRefused() {
        for (String url : new String[]{"http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/data.csv",
                "http://[::1]:8080/data.csv", "http://192.168.0.10/x.csv", "http://127.0.0.2:8080/x.csv"}) {
            JsonPath run = it.load(spec(unique("ssrf"), url));
            assertEquals("failed", run.getString("status"), url);
            assertEquals(true, run.getString("error").contains("; internal addresses are refused unless allow-listed "
                    + "in strata.ingest.allowed-hosts"), run::prettify);
        }
    }

    @Test
    void loopbackInIpv6ClothingIsRefusedAndNothingIsLoaded() {
        // the test profile allow-lists 127.0.0.1/32 only: these spell other loopback addresses
        String port = serve("/spelled.csv", "id\n1\n").split(":")[2].split("/")[0];
        for (String host : new String[]{"[::127.0.0.1]", "[::ffff:7f00:2]", "[64:ff9b::7f00:1]", "[2002:7f00:1::]",
                "[0:0:0:0:0:ffff:a9fe:a9fe]"}) {
            JsonPath run = it.load(spec(unique("spelled"), "http://" + host + ":" + port + "/spelled.csv"));
            assertEquals("failed", run.getString("status"), host);
            assertEquals(false, run.getBoolean("retryable"), host);
            assertEquals(0L, run.get("rows") == null ? 0L : run.getLong("rows"), "nothing loaded from " + host);
            assertEquals(true, run.getString("error").startsWith("host '" + host + "' is "), run::prettify);
            assertEquals(true, run.getString("error").endsWith("; internal addresses are refused unless allow-listed "
                    + "in strata.ingest.allowed-hosts or the namespace's allowed hosts"), run::prettify);
        }
        JsonPath run = it.load(spec(unique("spelled"), "http://[::127.0.0.1]:" + port + "/spelled.csv"));
        assertEquals("host '[::127.0.0.1]' is the IPv4-compatible form of 127.0.0.1, a loopback address; internal "
                + "addresses are refused unless allow-listed in strata.ingest.allowed-hosts or the namespace's allowed hosts",
                run.getString("error"));
    }

    @Test
    void everyHostOfAJdbcSourceIsCheckedAndABrokenOneIsA400() {
        String jdbc = """
                {"namespace":"sales","name":"%s","source":{"kind":"jdbc","jdbcUrl":"%s","table":"public.t"}}
                """;
        // the first host is public, the second is not: refused before any connection
        JsonPath run = it.load(jdbc.formatted(unique("multi"), "jdbc:postgresql://93.184.216.34:5432,10.0.0.7/db"));
        assertEquals("failed", run.getString("status"));
        assertEquals(false, run.getBoolean("retryable"));
        assertEquals("host '10.0.0.7' is a private address (10.0.0.0/8); internal addresses are refused unless "
                + "allow-listed in strata.ingest.allowed-hosts or the namespace's allowed hosts",
                run.getString("error"));
        for (String[] broken : new String[][]{
                {"jdbc:postgresql://h1,/db", "source.jdbcUrl host 2 is empty"},
                {"jdbc:postgresql:///db", "source.jdbcUrl has no host"},
                {"jdbc:postgresql://,db.example.com/db", "source.jdbcUrl host 1 is empty"},
                {"jdbc:postgresql://db.example.com/db?PGHOST=127.0.0.1", "source.jdbcUrl: the parameter 'PGHOST'"}}) {
            given().auth().oauth2(it.adminToken()).contentType("application/json")
                    .body(jdbc.formatted("broken", broken[0])).post("/api/v1/loads").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0]", containsString(broken[1]));
        }
    }

    @Test
    void aMalformedUrlIsA400NotAServerError() {
        for (String[] broken : new String[][]{
                {"http://[::1/a.csv?token=abc123", "source.url is not a valid URL"},
                {"http://exa mple.com/a.csv?token=abc123", "source.url is not a valid URL"},
                {"http://2130706433/a.csv?token=abc123", "source.url: host '2130706433' is an ambiguous IPv4 address"},
                {"http:///a.csv?token=abc123", "source.url has no host"},
                {"file:///etc/passwd?token=abc123", "source.url must be an http or https URL, not file:"}}) {
            given().auth().oauth2(it.adminToken()).contentType("application/json").body(spec("x", broken[0]))
                    .post("/api/v1/loads").then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0]", containsString(broken[1])).body("detail", not(containsString("abc123")));
        }
    }

    @Test
    void aRedirectToAnInternalAddressIsRefusedToo() {
        String target = "http://169.254.169.254/latest/meta-data/";
        String url = serve("/ok.csv", "id\n1\n").replace("/ok.csv", "/redirect?" + target);
        JsonPath run = it.load(spec(unique("redirect"), url));
        assertEquals("failed", run.getString("status"));
        assertEquals("host '169.254.169.254' is a link-local address (169.254.0.0/16, where cloud metadata services "
                + "answer); internal addresses are refused unless allow-listed in strata.ingest.allowed-hosts or the namespace's allowed hosts",
                run.getString("error"));
    }

    @Test
    void credentialsAreResolvedFromASecretAndNeverEchoed() throws Exception {
        String name = unique("secured");
        String url = serve("/" + name + "/data.csv", "id,v\n1,a\n");
        IngestTestSupport.requireAuthorization("/" + name + "/data.csv", "Bearer " + TOKEN);
        String spec = """
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s","credentialsRef":"test-http-token"}}
                """.formatted(name, url);
        String id = it.submit(spec);
        JsonPath run = it.await(id);
        assertEquals("succeeded", run.getString("status"), run::prettify);
        String body = given().auth().oauth2(it.adminToken()).get("/api/v1/loads/" + id).asString();
        assertFalse(body.contains(TOKEN));
        assertEquals(1, it.count("SELECT count(*) FROM sales__raw." + name));

        JsonPath unknown = it.load(spec.replace("test-http-token", "no-such-secret"));
        assertEquals("source.credentialsRef 'no-such-secret' names no secret: set strata.ingest.secrets.no-such-secret"
                + " (environment STRATA_INGEST_SECRETS_NO_SUCH_SECRET) on the workers", unknown.getString("error"));

        JsonPath refused = it.load(spec.replace("test-http-token", "wrong-http-token"));
        assertEquals("source http://127.0.0.1:" + url.split(":")[2].split("/")[0] + "/" + name
                + "/data.csv answered HTTP 401", refused.getString("error"));
    }

    @Test
    void anUnusableSpecIsAProblemDetail() {
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body("{\"namespace\":\"Sales!\",\"name\":\"x\",\"source\":{\"kind\":\"ftp\"},\"loadMode\":\"merge\"}")
                .post("/api/v1/loads").then().statusCode(400).contentType("application/problem+json")
                .body("errors", hasItem("source.kind must be http, s3, upload or jdbc, got 'ftp'"))
                .body("errors",
                        hasItem("loadMode merge needs mergeKey: the columns that identify a row, e.g. [\"id\"]"))
                .body("detail", containsString("namespace 'Sales!' is not valid"));
        given().auth().oauth2(it.adminToken()).contentType("application/json").body("{not json")
                .post("/api/v1/loads").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body(spec("x", "http://user:pw@example.com/a.csv")).post("/api/v1/loads").then().statusCode(400)
                .body("detail", not(containsString("pw")));
    }

    @Test
    void anUnknownFieldIsRefusedNamingItAndWhereNotIgnored() {
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body("{\"namespace\":\"sales\",\"name\":\"x\",\"source\":{\"kind\":\"http\","
                        + "\"url\":\"https://example.com/a.csv\"},\"load_mode\":\"merge\",\"merge_key\":[\"id\"]}")
                .post("/api/v1/loads").then().statusCode(400).contentType("application/problem+json")
                .body("type", equalTo("urn:strata:problem:unknown-field"))
                .body("detail", containsString("Unknown field 'load_mode' at $;"))
                .body("detail", containsString("loadMode"));
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body("{\"namespace\":\"sales\",\"name\":\"x\",\"source\":{\"kind\":\"http\","
                        + "\"url\":\"https://example.com/a.csv\"},\"format\":{\"type\":\"csv\",\"sep\":\";\"}}")
                .post("/api/v1/loads").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("Unknown field 'sep' at $.format;"))
                .body("detail", containsString("delimiter"));
    }

    @Test
    void rolesAndNamespacesAreEnforced() {
        String url = serve("/roles.csv", "id\n1\n");
        given().contentType("application/json").body(spec("r", url)).post("/api/v1/loads").then().statusCode(401);
        String viewer = it.tokenFor(Map.of("sales", "viewer"));
        given().auth().oauth2(viewer).contentType("application/json").body(spec("r", url)).post("/api/v1/loads")
                .then().statusCode(403);
        String hrEngineer = it.tokenFor(Map.of("hr", "engineer"));
        given().auth().oauth2(hrEngineer).contentType("application/json").body(spec("r", url))
                .post("/api/v1/loads").then().statusCode(404);

        String id = it.submit(spec(unique("roles"), url));
        given().auth().oauth2(viewer).get("/api/v1/loads/" + id).then().statusCode(200).body("id", equalTo(id));
        given().auth().oauth2(hrEngineer).get("/api/v1/loads/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(hrEngineer).get("/api/v1/loads").then().statusCode(200)
                .body("namespace", not(hasItem("sales")));
        given().auth().oauth2(viewer).get("/api/v1/loads?namespace=sales").then().statusCode(200)
                .body("id", hasItem(id));
    }

    @Test
    void theSameIdempotencyKeyLoadsOnce() throws Exception {
        String name = unique("idem");
        String url = serve("/" + name + "/a.csv", "id\n1\n2\n");
        String key = UUID.randomUUID().toString();
        String first = given().auth().oauth2(it.adminToken()).header("Idempotency-Key", key)
                .contentType("application/json").body(spec(name, url)).post("/api/v1/loads").then().statusCode(202)
                .extract().path("id");
        assertEquals(key, first);
        it.await(first);
        given().auth().oauth2(it.adminToken()).header("Idempotency-Key", key).contentType("application/json")
                .body(spec(name, url)).post("/api/v1/loads").then().statusCode(200).body("id", equalTo(key))
                .body("status", equalTo("succeeded"));
        assertEquals(2, it.count("SELECT count(*) FROM sales__raw." + name));
    }

    @Test
    void metricsCountRowsBytesSecondsAndQuarantinePerDataset() {
        String name = unique("metered");
        String url = serve("/" + name + "/m.csv", "id,n\n1,2\n3,x\n");
        JsonPath run = it.load("""
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s"},"contract":"quarantine",
                 "columns":[{"name":"n","type":"integer"}]}
                """.formatted(name, url));
        assertEquals("succeeded", run.getString("status"), run::prettify);
        String metrics = given().get("/q/metrics").asString();
        String dataset = "dataset=\"sales." + name + "\"";
        assertContainsLine(metrics, "strata_ingest_loaded_rows_total{" + dataset + "} 1.0");
        assertContainsLine(metrics, "strata_ingest_read_bytes_total{" + dataset + "} 13.0");
        assertContainsLine(metrics, "strata_ingest_quarantined_rows_total{" + dataset + "} 1.0");
        assertContainsLine(metrics, "strata_ingest_load_seconds_count{" + dataset + ",outcome=\"succeeded\"} 1.0");
    }

    private static void assertContainsLine(String text, String line) {
        assertEquals(true, text.lines().anyMatch(l -> l.equals(line)), () -> line + " not in\n"
                + text.lines().filter(l -> l.startsWith("strata_ingest")).toList());
    }
}
