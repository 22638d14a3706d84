package dev.strata.registry.version;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.events.DatasetColumn;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventEnvelope;
import dev.strata.registry.testing.Await;
import dev.strata.registry.testing.Callers;
import dev.strata.registry.testing.DatasetEvents;
import dev.strata.warehouse.NamespaceRoles;

/** DatasetUpdated events published on the real Kafka topic become versions; schema diffs between them. */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class DatasetVersionTest {

    private static final List<DatasetColumn> V1 = List.of(new DatasetColumn("id", "bigint"),
            new DatasetColumn("amount", "integer"), new DatasetColumn("note", "text"));
    private static final List<DatasetColumn> V2 = List.of(new DatasetColumn("id", "bigint"),
            new DatasetColumn("amount", "numeric"), new DatasetColumn("booked_at", "timestamptz"));

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    private static DatasetEvents events;

    @AfterAll
    static void close() {
        if (events != null) {
            events.close();
            events = null;
        }
    }

    private DatasetEvents events() {
        if (events == null) {
            events = new DatasetEvents(stack);
        }
        return events;
    }

    private String reader() {
        return Callers.token(stack, Map.of("ledger", "viewer"));
    }

    private int versionCount(String dataset) {
        var response = given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/" + dataset + "/versions");
        return response.statusCode() == 200 ? response.jsonPath().getList("$").size() : 0;
    }

    @Test
    void aDatasetUpdatedOnKafkaBecomesAVersionOfARegisteredDataset() {
        given().auth().oauth2(Callers.token(stack, Map.of("ledger", "engineer"))).contentType(ContentType.JSON)
                .body("""
                        {"namespace":"ledger","name":"entries","layer":"bronze","description":"Ledger entries",
                         "columns":[{"name":"id","type":"bigint","description":"the entry"}]}
                        """).post("/api/v1/datasets").then().statusCode(201);
        EventEnvelope<DatasetUpdated> event = DatasetEvents.event("ledger", "entries", 1234, V1);
        events().publish(event);
        Await.until("the version of ledger.entries", () -> versionCount("entries") == 1);

        DatasetUpdated data = event.data();
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/entries/versions/1").then().statusCode(200)
                .body("number", equalTo(1))
                .body("id", equalTo(data.versionId().toString()))
                .body("rowCount", equalTo(1234))
                .body("bytes", equalTo(123400))
                .body("loadId", equalTo(data.loadId().toString()))
                .body("rawLocation", equalTo(data.rawLocation()))
                .body("producedByRun", equalTo(data.producedByRun().toString()))
                .body("producer", equalTo("/strata/ingest"))
                .body("columns.name", equalTo(List.of("id", "amount", "note")))
                .body("columns.type", equalTo(List.of("bigint", "integer", "text")));
        // the dataset follows its latest schema and keeps what people wrote about a column
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/entries").then().statusCode(200)
                .body("layer", equalTo("bronze"))
                .body("description", equalTo("Ledger entries"))
                .body("latestVersion", equalTo(1))
                .body("columns.name", equalTo(List.of("id", "amount", "note")))
                .body("columns[0].description", equalTo("the entry"));
    }

    @Test
    void anEventDeliveredTwiceIsOneVersion() throws Exception {
        EventEnvelope<DatasetUpdated> first = DatasetEvents.event("ledger", "payouts", 10, V1);
        events().publish(first);
        events().publish(first); // the relay's at-least-once: the same event id again
        // a later event of the same dataset (same key, same partition) is consumed after the duplicate
        EventEnvelope<DatasetUpdated> second = DatasetEvents.event("ledger", "payouts", 20, V1);
        events().publish(second);
        Await.until("the second version of ledger.payouts", () -> given().auth().oauth2(reader())
                .get("/api/v1/datasets/ledger/payouts/versions").then().extract().jsonPath()
                .getList("id").contains(second.data().versionId().toString()));

        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/payouts/versions").then().statusCode(200)
                .body("$", hasSize(2))
                .body("number", equalTo(List.of(2, 1)))
                .body("id", equalTo(List.of(second.data().versionId().toString(),
                        first.data().versionId().toString())))
                .body("rowCount", equalTo(List.of(20, 10)));
        assertEquals(1, rows("SELECT count(*) FROM registry.dataset_version WHERE id = ?", first.data().versionId()));
        assertEquals(1, rows("SELECT count(*) FROM registry.processed_event WHERE event_id = ?", first.id()));
    }

    @Test
    void aModelBuiltByTransformIsRegisteredInItsLayerAndPreviewedFromItsTable() throws Exception {
        try (Connection c = roles.open("ledger"); java.sql.Statement s = c.createStatement()) {
            s.execute("CREATE TABLE ledger__gold.ledger_totals (id bigint, amount integer, note text)");
            s.execute("INSERT INTO ledger__gold.ledger_totals VALUES (1, 250, 'first'), (2, 125, 'second')");
        }
        EventEnvelope<DatasetUpdated> built = EventEnvelope.of("/strata/transform", "ledger.ledger_totals",
                new DatasetUpdated("ledger", "ledger_totals", java.util.UUID.randomUUID(), 2, 0,
                        java.util.UUID.randomUUID(), "postgresql://warehouse/ledger__gold.ledger_totals", null, V1));
        events().publish(built);
        Await.until("ledger.ledger_totals registered", () -> versionCount("ledger_totals") == 1);

        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/ledger_totals").then().statusCode(200)
                .body("layer", equalTo("gold"))
                .body("warehouseTable", equalTo("ledger__gold.ledger_totals"));
        given().auth().oauth2(Callers.token(stack, Map.of("ledger", "analyst")))
                .get("/api/v1/datasets/ledger/ledger_totals/preview").then().statusCode(200)
                .body("table", equalTo("ledger__gold.ledger_totals"))
                .body("rows", hasSize(2))
                .body("rows[0][2]", equalTo("first"));
    }

    @Test
    void anUnknownDatasetIsRegisteredImplicitlyInTheRawLayer() {
        events().publish(DatasetEvents.event("ledger", "fx_rates", 5, V1));
        Await.until("ledger.fx_rates registered", () -> versionCount("fx_rates") == 1);
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/fx_rates").then().statusCode(200)
                .body("layer", equalTo("raw"))
                .body("warehouseTable", equalTo("ledger__raw.fx_rates"))
                .body("createdBy", equalTo("/strata/ingest"))
                .body("columns.name", equalTo(List.of("id", "amount", "note")))
                .body("latestVersion", equalTo(1));
    }

    @Test
    void aSchemaDiffShowsAddedRemovedAndTypeChangedColumns() {
        events().publish(DatasetEvents.event("ledger", "balances", 1, V1));
        events().publish(DatasetEvents.event("ledger", "balances", 2, V2));
        events().publish(DatasetEvents.event("ledger", "balances", 3, V2));
        Await.until("three versions of ledger.balances", () -> versionCount("balances") == 3);

        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/balances/schema-diff?from=1&to=2").then()
                .statusCode(200)
                .body("from", equalTo(1)).body("to", equalTo(2))
                .body("added.name", equalTo(List.of("booked_at")))
                .body("added.type", equalTo(List.of("timestamptz")))
                .body("removed.name", equalTo(List.of("note")))
                .body("typeChanged", equalTo(List.of(Map.of("name", "amount", "from", "integer", "to", "numeric"))));
        // by default: the latest version against the one before it
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/balances/schema-diff").then().statusCode(200)
                .body("from", equalTo(2)).body("to", equalTo(3))
                .body("added", empty()).body("removed", empty()).body("typeChanged", empty());
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/balances/schema-diff?from=1&to=9").then()
                .statusCode(404).body("detail", equalTo("Dataset 'ledger.balances' has no version 9."));
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/balances/schema-diff?to=1").then()
                .statusCode(400).body("detail", containsString("first version"));
    }

    @Test
    void anUndecodableRecordIsDeadLetteredAndTheNextEventStillRecorded() {
        events().publishRaw("ledger.broken", "{not json".getBytes(StandardCharsets.UTF_8));
        events().publish(DatasetEvents.event("ledger", "broken", 7, V1));
        Await.until("the version after a malformed record", () -> versionCount("broken") == 1);
        // the record is a dead letter with its reason, for platform admins (libs/outbox EventConsumer)
        given().auth().oauth2(Callers.admin(stack)).get("/api/v1/dead-letters").then().statusCode(200)
                .body("find { it.consumer == 'registry.dataset-events' }.reason", containsString("undecodable"))
                .body("find { it.consumer == 'registry.dataset-events' }.topic", equalTo("strata.events.dataset"));
        given().auth().oauth2(Callers.token(stack, Map.of("ledger", "admin"))).get("/api/v1/dead-letters").then()
                .statusCode(403);
        given().auth().oauth2(Callers.admin(stack)).queryParam("limit", 100_000).get("/api/v1/dead-letters")
                .then().statusCode(400).body("detail", containsString("limit"));
        given().accept("text/plain").get("/q/metrics").then().statusCode(200)
                .body(containsString("strata_registry_dead_letters_total"));
    }

    @Test
    void aSnapshotNamingAColumnTwiceKeepsTheFirstAndDoesNotBlockTheTopic() {
        events().publish(DatasetEvents.event("ledger", "doubled", 3, List.of(new DatasetColumn("id", "bigint"),
                new DatasetColumn("id", "text"), new DatasetColumn("note", "text"))));
        events().publish(DatasetEvents.event("ledger", "doubled", 4, V1));
        Await.until("both versions of ledger.doubled", () -> versionCount("doubled") == 2);
        given().auth().oauth2(reader()).get("/api/v1/datasets/ledger/doubled/versions/1").then().statusCode(200)
                .body("columns.name", equalTo(List.of("id", "note")))
                .body("columns.type", equalTo(List.of("bigint", "text")));
    }

    private long rows(String sql, Object param) throws Exception {
        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB);
                PreparedStatement s = c.prepareStatement(sql)) {
            s.setObject(1, param);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
