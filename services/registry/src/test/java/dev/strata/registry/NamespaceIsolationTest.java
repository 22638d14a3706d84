package dev.strata.registry;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.events.AuditRecorded;
import dev.strata.events.DatasetColumn;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.StrataEvent;
import dev.strata.events.Topics;
import dev.strata.registry.testing.Await;
import dev.strata.registry.testing.Callers;
import dev.strata.registry.testing.DatasetEvents;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;

/**
 * Namespace A and namespace B on one platform: a user of A can neither list, read, preview, upload to nor share B's
 * datasets; a share of A's dataset with B lets B's Postgres role read exactly that table, is visible in the catalog,
 * audited on the audit topic, and gone again after the unshare; a producer of A cannot point a dataset at B's table.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class NamespaceIsolationTest {

    private static final String A = "team-a";
    private static final String B = "team-b";
    private static final String DATASETS = "/api/v1/datasets";

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    private static KafkaConsumer<String, byte[]> audit;
    private static final List<AuditRecorded> AUDITED = new ArrayList<>();

    @BeforeAll
    static void noAuditYet() {
        AUDITED.clear();
    }

    @AfterAll
    static void close() {
        if (audit != null) {
            audit.close();
        }
    }

    private RequestSpecification as(String namespace, String role) {
        return given().auth().oauth2(Callers.token(stack, Map.of(namespace, role))).contentType(ContentType.JSON);
    }

    private void register(String namespace, String name, String layer) {
        as(namespace, "engineer").body("{\"namespace\":\"" + namespace + "\",\"name\":\"" + name + "\",\"layer\":\""
                + layer + "\"}").post(DATASETS).then().statusCode(201);
    }

    /** Runs the statements as the namespace's own role, as its loads and builds do. */
    private void warehouse(String namespace, String... statements) throws SQLException {
        try (Connection c = roles.open(namespace); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /** The values of the first column, read as the namespace's role. */
    private List<String> select(String namespace, String sql) throws SQLException {
        try (Connection c = roles.open(namespace);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private static String shares(String namespace, String name) {
        return "/api/v1/namespaces/" + namespace + "/datasets/" + name + "/shares";
    }

    @Test
    void aUserOfACannotListGetPreviewUploadOrShareBsDatasets() throws Exception {
        register(B, "secrets", "gold");
        warehouse(B, "CREATE TABLE team_b__gold.secrets (v text)", "INSERT INTO team_b__gold.secrets VALUES ('b')");
        as(B, "analyst").get(DATASETS + "/team-b/secrets/preview").then().statusCode(200)
                .body("rows", equalTo(List.of(List.of("b"))));

        for (String role : List.of("viewer", "analyst", "engineer", "admin")) {
            as(A, role).get(DATASETS + "?namespace=team-b").then().statusCode(200).body("$", empty());
            as(A, role).get(DATASETS + "?include=shared").then().statusCode(200)
                    .body("namespace", not(hasItem(B)));
            as(A, role).get(DATASETS + "/team-b/secrets").then().statusCode(404)
                    .contentType("application/problem+json")
                    .body("detail", equalTo("No dataset 'team-b.secrets' that you can read."));
            as(A, role).get(DATASETS + "/team-b/secrets/load-spec").then().statusCode(404);
            as(A, role).get(DATASETS + "/team-b/secrets/versions").then().statusCode(404);
            // previewing takes an analyst anywhere (403 for a viewer, whatever the namespace)
            as(A, role).get(DATASETS + "/team-b/secrets/preview").then()
                    .statusCode(role.equals("viewer") ? 403 : 404)
                    .contentType("application/problem+json");
            // uploading takes an engineer anywhere (403 for a viewer or analyst, whatever the namespace)
            as(A, role).contentType("text/csv").body("v\nx\n".getBytes())
                    .post(DATASETS + "/team-b/secrets/uploads?filename=x.csv").then()
                    .statusCode(List.of("engineer", "admin").contains(role) ? 404 : 403);
            as(A, role).contentType("multipart/form-data").multiPart("file", "x.csv", "v\nx\n".getBytes())
                    .post(DATASETS + "/team-b/secrets/uploads").then()
                    .statusCode(List.of("engineer", "admin").contains(role) ? 404 : 403);
            as(A, role).get(shares(B, "secrets")).then().statusCode(404);
            as(A, role).body("{\"namespace\":\"team-a\"}").post(shares(B, "secrets")).then().statusCode(404)
                    .contentType("application/problem+json");
            as(A, role).delete(shares(B, "secrets") + "/team-a").then().statusCode(404);
        }
        // nothing was shared: A's role still cannot read B's table in Postgres
        SQLException refused = assertThrows(SQLException.class, () -> select(A, "SELECT v FROM team_b__gold.secrets"));
        assertEquals("42501", refused.getSQLState());
        // within B, sharing takes B's admin
        as(B, "engineer").body("{\"namespace\":\"team-a\"}").post(shares(B, "secrets")).then().statusCode(403)
                .contentType("application/problem+json");
        as(B, "viewer").get(shares(B, "secrets")).then().statusCode(200).body("$", empty());
    }

    @Test
    void aShareLetsBReadExactlyThatTableUntilItIsTakenBack() throws Exception {
        register(A, "kpis", "gold");
        register(A, "costs", "gold");
        warehouse(A, "CREATE TABLE team_a__gold.kpis (k text, v int)",
                "INSERT INTO team_a__gold.kpis VALUES ('visits', 10), ('orders', 3)",
                "CREATE TABLE team_a__gold.costs (c text)", "INSERT INTO team_a__gold.costs VALUES ('secret')");
        roles.ensure(B);
        assertEquals("42501", assertThrows(SQLException.class,
                () -> select(B, "SELECT k FROM team_a__gold.kpis")).getSQLState());
        as(B, "engineer").get(DATASETS + "/team-a/kpis").then().statusCode(404);

        as(A, "admin").body("{\"namespace\":\"team-b\"}").post(shares(A, "kpis")).then().statusCode(201)
                .header("Location", containsString("/api/v1/namespaces/team-a/datasets/kpis/shares/team-b"))
                .body("dataset", equalTo("team-a.kpis"))
                .body("namespace", equalTo(B))
                .body("table", equalTo("team_a__gold.kpis"));
        // a second POST changes nothing (and audits nothing)
        as(A, "admin").body("{\"namespace\":\"team-b\"}").post(shares(A, "kpis")).then().statusCode(200)
                .body("namespace", equalTo(B));

        // in Postgres: B's role reads exactly the shared table, and nothing else of A
        assertEquals(List.of("visits", "orders"), select(B, "SELECT k FROM team_a__gold.kpis ORDER BY v DESC"));
        assertEquals("42501", assertThrows(SQLException.class,
                () -> select(B, "SELECT c FROM team_a__gold.costs")).getSQLState());
        assertEquals("42501", assertThrows(SQLException.class,
                () -> select(B, "DELETE FROM team_a__gold.kpis RETURNING k")).getSQLState());

        // in the catalog: A sees the share; B's users see the dataset read-only, and no other dataset of A
        as(A, "viewer").get(DATASETS + "/team-a/kpis").then().statusCode(200).body("sharedWith", equalTo(List.of(B)));
        as(A, "viewer").get(shares(A, "kpis")).then().statusCode(200)
                .body("namespace", equalTo(List.of(B)))
                .body("grantedBy[0]", not(emptyOrNullString()));
        as(B, "viewer").get(DATASETS + "/team-a/kpis").then().statusCode(200)
                .body("warehouseTable", equalTo("team_a__gold.kpis"))
                .body("sharedWith", equalTo(List.of(B)));
        as(B, "viewer").get(DATASETS + "/team-a/costs").then().statusCode(404);
        as(B, "viewer").get(DATASETS).then().statusCode(200).body("namespace", not(hasItem(A)));
        as(B, "viewer").get(DATASETS + "?include=shared&namespace=team-a").then().statusCode(200)
                .body("name", equalTo(List.of("kpis")));
        as(B, "analyst").get(DATASETS + "/team-a/kpis/preview").then().statusCode(200)
                .body("rows", equalTo(List.of(List.of("visits", 10), List.of("orders", 3))));
        as(B, "viewer").get(DATASETS + "/team-a/kpis/preview").then().statusCode(403);
        as(B, "analyst").get(DATASETS + "/team-a/costs/preview").then().statusCode(404);
        as(B, "engineer").body("{\"namespace\":\"team-a\",\"name\":\"kpis\",\"layer\":\"raw\"}")
                .put(DATASETS + "/team-a/kpis").then().statusCode(404);
        as(B, "admin").delete(shares(A, "kpis") + "/team-b").then().statusCode(404);
        as(B, "admin").body("{\"namespace\":\"team-c\"}").post(shares(A, "kpis")).then().statusCode(404);

        AuditRecorded shared = awaitAudit("dataset.shared", "team-a.kpis");
        assertEquals(A, shared.namespace());
        assertEquals(Map.of("reader", B, "table", "team_a__gold.kpis"), shared.details());
        assertTrue(!shared.actor().isBlank(), "an actor");
        assertNotEquals("anonymous", shared.actor());

        as(A, "admin").delete(shares(A, "kpis") + "/team-b").then().statusCode(204);
        assertEquals("42501", assertThrows(SQLException.class,
                () -> select(B, "SELECT k FROM team_a__gold.kpis")).getSQLState());
        as(A, "viewer").get(shares(A, "kpis")).then().statusCode(200).body("$", empty());
        as(A, "viewer").get(DATASETS + "/team-a/kpis").then().statusCode(200).body("sharedWith", empty());
        as(B, "viewer").get(DATASETS + "/team-a/kpis").then().statusCode(404);
        as(A, "admin").delete(shares(A, "kpis") + "/team-b").then().statusCode(404)
                .body("detail", equalTo("Dataset 'team-a.kpis' is not shared with namespace 'team-b'."));
        AuditRecorded unshared = awaitAudit("dataset.unshared", "team-a.kpis");
        assertEquals(Map.of("reader", B, "table", "team_a__gold.kpis"), unshared.details());
        assertEquals(A, unshared.namespace());
        // one partition per namespace: every earlier audit event of team-a was read before this one
        assertEquals(1, AUDITED.stream().filter(e -> e.action().equals("dataset.shared")
                && e.target().equals("team-a.kpis")).count(), "the second POST is not audited again");
    }

    @Test
    void sharingTakesAnAdminOfTheNamespaceAValidReaderAndAnExistingTable() throws Exception {
        register(A, "plans", "gold");
        as(A, "engineer").body("{\"namespace\":\"team-b\"}").post(shares(A, "plans")).then().statusCode(403)
                .contentType("application/problem+json");
        as(A, "admin").body("{\"namespace\":\"team-b\"}").post(shares(A, "plans")).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", equalTo("Dataset 'team-a.plans' has no table team_a__gold.plans in the warehouse "
                        + "yet: load or build it first, then share it."));
        warehouse(A, "CREATE TABLE team_a__gold.plans (p text)");
        as(A, "admin").body("{\"namespace\":\"team-b\",\"role\":\"admin\"}").post(shares(A, "plans")).then()
                .statusCode(400).body("detail", containsString("Unknown field 'role'"));
        as(A, "admin").body("{\"namespace\":\"Team_B\"}").post(shares(A, "plans")).then().statusCode(400)
                .body("detail", containsString("Namespace 'Team_B' is not valid"));
        as(A, "admin").body("{\"namespace\":\"team-a\"}").post(shares(A, "plans")).then().statusCode(400);
        as(A, "admin").body("{}").post(shares(A, "plans")).then().statusCode(400)
                .body("detail", containsString("{\"namespace\":\"<namespace>\"}"));
        as(A, "admin").body("{\"namespace\":\"team-b\"}").post(shares(A, "missing")).then().statusCode(404);
        as(A, "viewer").get(shares(A, "plans")).then().statusCode(200).body("$", empty());
        // a table of the namespace's schema that the namespace's role does not own is not Strata's to share
        register(A, "foreign", "gold");
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE team_a__gold.foreign (f text)");
        }
        as(A, "admin").body("{\"namespace\":\"team-b\"}").post(shares(A, "foreign")).then().statusCode(409)
                .body("detail", containsString("is not owned by namespace 'team-a'"));
        as(A, "viewer").get(shares(A, "foreign")).then().statusCode(200).body("$", empty());
    }

    @Test
    void previewsRunAsTheNamespaceRoleNotAsTheWarehouseAdmin() throws Exception {
        register(A, "admin_only", "silver");
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE team_a__silver.admin_only (v text)");
            s.execute("INSERT INTO team_a__silver.admin_only VALUES ('x')");
            s.execute("GRANT SELECT ON team_a__silver.admin_only TO " + PostgresServer.WAREHOUSE_ADMIN);
        }
        // the warehouse admin and the superuser could read it; the namespace's own role cannot
        as(A, "analyst").get(DATASETS + "/team-a/admin_only/preview").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("Namespace 'team-a' may not read table team_a__silver.admin_only"));
    }

    @Test
    void aProducerCannotPointADatasetAtAnotherNamespacesTable() throws Exception {
        warehouse(B, "CREATE TABLE team_b__gold.ledger (v text)");
        List<DatasetColumn> columns = List.of(new DatasetColumn("v", "text"));
        try (DatasetEvents events = new DatasetEvents(stack)) {
            // A's producer reports B's table for a dataset of A: rejected, nothing registered
            events.publish(EventEnvelope.of("/strata/transform", "team-a.stolen", new DatasetUpdated(A, "stolen",
                    UUID.randomUUID(), 1, 0, UUID.randomUUID(), "postgresql://warehouse/team_b__gold.ledger", null,
                    columns)));
            // then a version of the same dataset (same partition key, read after it) in its own table
            warehouse(A, "CREATE TABLE team_a__gold.stolen (v text)");
            events.publish(EventEnvelope.of("/strata/transform", "team-a.stolen", new DatasetUpdated(A, "stolen",
                    UUID.randomUUID(), 2, 0, UUID.randomUUID(), "postgresql://warehouse/team_a__gold.stolen", null,
                    columns)));
        }
        Await.until("team-a.stolen registered",
                () -> as(A, "viewer").get(DATASETS + "/team-a/stolen").statusCode() == 200);
        as(A, "viewer").get(DATASETS + "/team-a/stolen").then().body("warehouseTable", equalTo(
                "team_a__gold.stolen")).body("latestVersion", equalTo(1));
        as(A, "viewer").get(DATASETS + "/team-a/stolen/versions").then().statusCode(200)
                .body("rowCount", equalTo(List.of(2)));
        as(B, "viewer").get(DATASETS + "?namespace=team-b").then().body("name", not(hasItem("ledger")));
    }

    @Test
    void theNamespaceRuleIsThePlatformsOne() {
        as(A, "engineer").body("{\"namespace\":\"team--a\",\"name\":\"x\",\"layer\":\"raw\"}").post(DATASETS).then()
                .statusCode(400).body("detail", containsString(Namespaces.RULE_TEXT));
        as(A, "engineer").get(DATASETS + "/" + "a".repeat(Namespaces.MAX_LENGTH + 1) + "/x").then().statusCode(400);
    }

    /** Reads the audit topic with a consumer group of this test until the event shows up. */
    private AuditRecorded awaitAudit(String action, String target) {
        if (audit == null) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
            props.put(ConsumerConfig.GROUP_ID_CONFIG, "registry-isolation-test-" + UUID.randomUUID());
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            audit = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
            audit.subscribe(List.of(Topics.AUDIT_EVENTS));
        }
        EventCodec codec = new EventCodec();
        Await.until(action + " of " + target + " on " + Topics.AUDIT_EVENTS, () -> {
            for (ConsumerRecord<String, byte[]> record : audit.poll(Duration.ofMillis(500))) {
                StrataEvent data = codec.decode(record.value()).data();
                if (data instanceof AuditRecorded recorded) {
                    AUDITED.add(recorded);
                }
            }
            return AUDITED.stream().anyMatch(e -> e.action().equals(action) && target.equals(e.target()));
        });
        return AUDITED.stream().filter(e -> e.action().equals(action) && target.equals(e.target())).findFirst()
                .orElseThrow();
    }
}
