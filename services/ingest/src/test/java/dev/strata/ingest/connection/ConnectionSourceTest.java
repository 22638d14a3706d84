package dev.strata.ingest.connection;

import static dev.strata.ingest.IngestTestSupport.requireAuthorization;
import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

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

/**
 * Load specs that name a namespace's connection (auth service): an HTTP source whose server demands the header the
 * connection's secret holds, and a JDBC source read as a user with a password. Another namespace cannot use them, and
 * the secret's value appears in no answer of the ingest API.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class ConnectionSourceTest {

    static final String CSV = "id,name\n1,alpha\n2,beta\n";

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;
    String ns;
    String other;

    @BeforeEach
    void namespaces() {
        it = new IngestTestSupport(stack);
        ns = unique("team-a").replace('_', '-');
        other = unique("team-b").replace('_', '-');
        for (String name : new String[]{ns, other}) {
            given().auth().oauth2(it.adminToken()).contentType("application/json").body(Map.of("name", name))
                    .post(stack.auth().issuer() + "/api/v1/namespaces").then().statusCode(201);
        }
    }

    @Test
    void anHttpSourceGetsItsAuthHeaderFromTheNamespacesConnection() {
        String token = "Bearer " + random();
        String name = unique("orders");
        String url = serve("/" + name + "/orders.csv", CSV);
        requireAuthorization("/" + name + "/orders.csv", token);
        URI base = URI.create(url).resolve("/");
        putSecret(ns, "api-token", token);
        putConnection(ns, "files", Map.of("kind", "http", "baseUrl", base.toString(), "headerSecret", "api-token"));

        JsonPath run = it.load(spec(ns, name, "{\"kind\":\"http\",\"connection\":\"files\",\"url\":\"/" + name
                + "/orders.csv\"}"));
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(2, run.getLong("rows"));
        assertFalse(run.prettify().contains(token));

        // without the connection the server refuses: the header came from it
        JsonPath plain = it.load(spec(ns, name, "{\"kind\":\"http\",\"url\":\"" + url + "\"}"));
        assertEquals("failed", plain.getString("status"), plain::prettify);

        // another namespace cannot use it
        JsonPath stolen = it.load(spec(other, name, "{\"kind\":\"http\",\"connection\":\"files\",\"url\":\"/" + name
                + "/orders.csv\"}"));
        assertEquals("failed", stolen.getString("status"), stolen::prettify);
        assertTrue(stolen.getString("error").contains("No connection named 'files'"), stolen::prettify);
        assertFalse(stolen.prettify().contains(token));
    }

    @Test
    void aJdbcSourceReadsAsTheConnectionsUserWithItsPassword() throws Exception {
        String name = unique("customers");
        String schema = "shop_" + name;
        String user = "reader_" + name;
        String password = random();
        String database = "source_" + name;
        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
            s.execute("CREATE DATABASE " + database);
            s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + user);
        }
        // a second database of the embedded Postgres, as a team's own source database
        try (Connection c = stack.postgres().connect(database); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
            s.execute("CREATE TABLE " + schema + ".customers (id bigint PRIMARY KEY, name text)");
            s.execute("INSERT INTO " + schema + ".customers VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')");
            s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + user);
            s.execute("GRANT SELECT ON " + schema + ".customers TO " + user);
        }
        putSecret(ns, "shop-password", password);
        putConnection(ns, "shop", Map.of("kind", "jdbc", "url", stack.postgres().jdbcUrl(database),
                "user", user, "passwordSecret", "shop-password"));

        JsonPath run = it.load(spec(ns, name, "{\"kind\":\"jdbc\",\"connection\":\"shop\",\"table\":\"" + schema
                + ".customers\"}"));
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(3, run.getLong("rows"));
        assertFalse(run.prettify().contains(password));

        JsonPath stolen = it.load(spec(other, name, "{\"kind\":\"jdbc\",\"connection\":\"shop\",\"table\":\""
                + schema + ".customers\"}"));
        assertEquals("failed", stolen.getString("status"), stolen::prettify);
    }

    @Test
    void aSpecWithAConnectionAndItsOwnCredentialsOrAbsoluteUrlIsRefused() {
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body(spec(ns, "x", "{\"kind\":\"http\",\"connection\":\"files\",\"url\":\"https://example.com/a\"}"))
                .post("/api/v1/loads").then().statusCode(400);
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body(spec(ns, "x", "{\"kind\":\"jdbc\",\"connection\":\"shop\",\"table\":\"t\","
                        + "\"jdbcUrl\":\"jdbc:postgresql://127.0.0.1/x\"}"))
                .post("/api/v1/loads").then().statusCode(400);
    }

    private static String spec(String namespace, String name, String source) {
        return "{\"namespace\":\"" + namespace + "\",\"name\":\"" + name.replace('-', '_') + "\",\"source\":" + source
                + ",\"format\":{\"type\":\"csv\"},\"loadMode\":\"append\"}";
    }

    private void putSecret(String namespace, String name, String value) {
        given().auth().oauth2(it.adminToken()).contentType("application/json").body(Map.of("value", value))
                .put(stack.auth().issuer() + "/api/v1/namespaces/" + namespace + "/secrets/" + name).then()
                .statusCode(201);
    }

    private void putConnection(String namespace, String name, Map<String, Object> body) {
        given().auth().oauth2(it.adminToken()).contentType("application/json").body(body)
                .put(stack.auth().issuer() + "/api/v1/namespaces/" + namespace + "/connections/" + name).then()
                .statusCode(201);
    }

    private static String random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
