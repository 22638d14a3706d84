package dev.strata.ingest;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.IngestRequested;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.Topics;
import dev.strata.warehouse.NamespaceRoles;

/**
 * Issue 15, ingest's part: namespaces {@code team-a} and {@code team-b} share a platform. Each load lands in its own
 * namespace's schema and runs as its role; a spec of A cannot read B's objects or the platform's buckets (refused
 * before a byte is read); a task of A's pipeline cannot load into B; A's role sees none of B's load ledger; every load
 * is audited.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class NamespaceIsolationTest {

    static final String EXTERNAL_BUCKET = "strata-external";

    @InjectDevStack
    DevStack stack;
    @Inject
    NamespaceRoles roles;
    IngestTestSupport it;
    final EventCodec codec = new EventCodec();

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    private static String httpSpec(String namespace, String name, String csv) {
        String url = serve("/" + namespace + "/" + name + "/data.csv", csv);
        return """
                {"namespace":"%s","name":"%s","source":{"kind":"http","url":"%s"},"loadMode":"append"}
                """.formatted(namespace, name, url).strip();
    }

    private static String s3Spec(String namespace, String name, String kind, String bucket, String field,
            String key) {
        return """
                {"namespace":"%s","name":"%s","source":{"kind":"%s","bucket":"%s","%s":"%s"},"loadMode":"append"}
                """.formatted(namespace, name, kind, bucket, field, key).strip();
    }

    @Test
    void theSameDatasetInTwoNamespacesLandsInTwoTablesWithTheirOwnRows() throws Exception {
        String name = unique("orders");
        String aCsv = "id,who\n1,a1\n2,a2\n";
        String bCsv = "id,who\n7,b7\n8,b8\n9,b9\n";
        JsonPath a = it.load(httpSpec("team-a", name, aCsv));
        JsonPath b = it.load(httpSpec("team-b", name, bCsv));
        assertEquals("succeeded", a.getString("status"), a::prettify);
        assertEquals("succeeded", b.getString("status"), b::prettify);
        assertEquals("team_a__raw." + name, a.getString("table"));
        assertEquals("team_b__raw." + name, b.getString("table"));
        assertEquals(List.of("1|a1", "2|a2"), it.rows("SELECT id, who FROM team_a__raw." + name + " ORDER BY id"));
        assertEquals(List.of("7|b7", "8|b8", "9|b9"),
                it.rows("SELECT id, who FROM team_b__raw." + name + " ORDER BY id"));
        assertEquals(List.of("strata_ns_team_a"), it.rows("SELECT tableowner FROM pg_tables WHERE schemaname = "
                + "'team_a__raw' AND tablename = '" + name + "'"), "the load ran as the namespace's role");
        // raw copies under each namespace's own prefix of the lake
        assertEquals("s3://strata-lake/ns/team-a/raw/" + name + "/" + a.getString("id") + "/",
                a.getString("rawLocation"));
        assertEquals(aCsv.length(), it.objectSize("ns/team-a/raw/" + name + "/" + a.getString("id") + "/data.csv"));
        assertEquals(bCsv.length(), it.objectSize("ns/team-b/raw/" + name + "/" + b.getString("id") + "/data.csv"));
    }

    @Test
    void aSpecNamingAnotherNamespacesObjectsOrAPlatformBucketIsRefusedBeforeReading() throws Exception {
        String name = unique("stolen");
        byte[] secret = "id,secret\n1,b-only\n".getBytes(StandardCharsets.UTF_8);
        it.putObject("ns/team-b/uploads/" + name + "/u1/data.csv", secret);
        it.putObject("ns/team-b/exports/" + name + "/data.csv", secret);
        it.putObject("uploads/team-b/" + name + "/u1/data.csv", secret);
        String projects = "strata-projects";
        ensureBucket(projects);
        put(projects, "ns/team-a/" + name + "/data.csv", secret);

        List<String> refused = List.of(
                s3Spec("team-a", name, "upload", "strata-lake", "key", "ns/team-b/uploads/" + name + "/u1/data.csv"),
                s3Spec("team-a", name, "upload", "strata-lake", "key", "uploads/team-b/" + name + "/u1/data.csv"),
                s3Spec("team-a", name, "s3", "strata-lake", "prefix", "ns/team-b/"),
                s3Spec("team-a", name, "s3", "strata-lake", "prefix", "ns/team-"),
                s3Spec("team-a", name, "s3", "strata-lake", "key", "ns/team-b/exports/" + name + "/data.csv"),
                s3Spec("team-a", name, "s3", "strata-lake", "key", "ns/team-a/../team-b/exports/" + name
                        + "/data.csv"),
                s3Spec("team-a", name, "s3", projects, "key", "ns/team-a/" + name + "/data.csv"),
                s3Spec("team-b", name, "s3", EXTERNAL_BUCKET, "key", "team-a/" + name + ".csv"));
        for (String spec : refused) {
            given().auth().oauth2(it.adminToken()).contentType("application/json").body(spec).post("/api/v1/loads")
                    .then().statusCode(400).contentType("application/problem+json")
                    .body("errors", hasItem(anyOf(containsString("namespace 'team-"),
                            containsString("must be a plain object key"))));
        }
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body(s3Spec("team-a", name, "s3", "strata-lake", "prefix", "ns/team-b/")).post("/api/v1/loads")
                .then().statusCode(400).body("errors", hasItem("s3://strata-lake/ns/team-b/ is outside namespace "
                        + "'team-a' of the lake: a load may read only s3://strata-lake/ns/team-a/... (its uploads are "
                        + "under ns/team-a/uploads/), or an external location an operator configured for the "
                        + "namespace"));
        given().auth().oauth2(it.adminToken()).contentType("application/json")
                .body(s3Spec("team-a", name, "s3", projects, "key", "x.csv")).post("/api/v1/loads")
                .then().statusCode(400).body("errors", hasItem(containsString("internal to the platform")));

        // a load queued before this check (or by hand) is refused by the worker before it reads a byte
        UUID id = UUID.randomUUID();
        try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB);
                PreparedStatement insert = c.prepareStatement("INSERT INTO ingest.load_run (id, namespace, dataset, "
                        + "spec, requested_by) VALUES (?, 'team-a', ?, ?::jsonb, 'mallory')")) {
            insert.setObject(1, id);
            insert.setString(2, name);
            insert.setString(3, refused.get(0));
            insert.executeUpdate();
        }
        JsonPath run = it.await(id.toString());
        assertEquals("failed", run.getString("status"), run::prettify);
        assertFalse(run.getBoolean("retryable"));
        assertEquals("s3://strata-lake/ns/team-b/uploads/" + name + "/u1/data.csv is outside namespace 'team-a' of "
                + "the lake: a load may read only s3://strata-lake/ns/team-a/... (its uploads are under "
                + "ns/team-a/uploads/), or an external location an operator configured for the namespace (nothing "
                + "was read)", run.getString("error"));
        assertEquals(null, run.getString("bytes"), "not a byte read");
        assertFalse(it.tableExists("team_a__raw." + name), "no rows of B in A");
        AuditRecorded audit = audit("team-a", e -> id.toString().equals(e.details().get("loadId")));
        assertEquals("load.failed", audit.action());
        assertEquals("mallory", audit.actor());
        assertEquals("team_a__raw." + name, audit.target());

        // A's own upload and A's external location load
        it.putObject("ns/team-a/uploads/" + name + "/u1/data.csv", "id,v\n1,mine\n".getBytes(StandardCharsets.UTF_8));
        JsonPath own = it.load(s3Spec("team-a", name, "upload", "strata-lake", "key", "ns/team-a/uploads/" + name
                + "/u1/data.csv"));
        assertEquals("succeeded", own.getString("status"), own::prettify);
        ensureBucket(EXTERNAL_BUCKET);
        put(EXTERNAL_BUCKET, "team-a/" + name + ".csv", "id,v\n2,external\n".getBytes(StandardCharsets.UTF_8));
        JsonPath external = it.load(s3Spec("team-a", name, "s3", EXTERNAL_BUCKET, "key", "team-a/" + name + ".csv"));
        assertEquals("succeeded", external.getString("status"), external::prettify);
        assertEquals(List.of("1|mine", "2|external"), it.rows("SELECT id, v FROM team_a__raw." + name
                + " ORDER BY id"));
    }

    @Test
    void aTaskOfAPipelineInAWhoseSpecNamesBIsRefusedAndBsTableUnchanged() throws Exception {
        String name = unique("victim");
        JsonPath b = it.load(httpSpec("team-b", name, "id\n1\n"));
        assertEquals("succeeded", b.getString("status"), b::prettify);

        UUID taskRunId = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        String spec = httpSpec("team-b", name, "id\n666\n");
        try (KafkaProducer<String, byte[]> producer = producer()) {
            EventEnvelope<IngestRequested> request = EventEnvelope.of("/strata/scheduler", taskRunId.toString(),
                    new IngestRequested(taskRunId, runId, "team-b", name, 1, Map.of("spec", spec), "team-a"));
            producer.send(new ProducerRecord<>(Topics.TASKS_INGEST, request.subject(), codec.encode(request))).get();
        }
        TaskFailed failed = (TaskFailed) event(Topics.TASK_EVENTS, taskRunId.toString(),
                e -> e instanceof TaskFailed);
        assertEquals("the load spec is for namespace 'team-b' but the pipeline is in namespace 'team-a': a "
                + "pipeline's ingest tasks load only into its own namespace", failed.error());
        assertFalse(failed.retryable());
        AuditRecorded audit = audit("team-a", e -> taskRunId.toString().equals(e.details().get("taskRunId")));
        assertEquals("load.refused", audit.action());
        JsonPath run = it.await(taskRunId.toString());
        assertEquals("team-a", run.getString("namespace"), "recorded in the pipeline's namespace, not in B's");
        Thread.sleep(1_000); // a wrongly queued load would have run by now
        assertEquals(List.of("1"), it.rows("SELECT id FROM team_b__raw." + name));
    }

    @Test
    void aNamespacesRoleSeesAndChangesOnlyItsOwnLedgerRows() throws Exception {
        String name = unique("ledger");
        JsonPath a = it.load(httpSpec("team-a", name, "id\n1\n"));
        JsonPath b = it.load(httpSpec("team-b", name, "id\n2\n"));
        assertEquals("succeeded", b.getString("status"), b::prettify);
        String aId = a.getString("id");
        String bId = b.getString("id");
        assertEquals(1, it.count("SELECT count(*) FROM strata_ingest.load_ledger WHERE load_id = '" + bId + "'"),
                "B's load is in the ledger");
        try (Connection c = roles.open("team-a"); Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM strata_ingest.load_ledger WHERE load_id = '" + aId + "'"));
            assertEquals(0, count(s, "SELECT count(*) FROM strata_ingest.load_ledger WHERE load_id = '" + bId + "'"));
            assertEquals(0, count(s, "SELECT count(*) FROM strata_ingest.load_ledger WHERE namespace = 'team-b'"));
            assertEquals(0, s.executeUpdate("UPDATE strata_ingest.load_ledger SET result = '{}' WHERE load_id = '"
                    + bId + "'"));
            SQLException forged = assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO "
                    + "strata_ingest.load_ledger (load_id, namespace, name, result, namespace_role) VALUES ('"
                    + UUID.randomUUID() + "', 'team-b', 'x', '{}', 'strata_ns_team_b')"));
            assertTrue(forged.getMessage().contains("row-level security"), forged.getMessage());
            SQLException delete = assertThrows(SQLException.class,
                    () -> s.executeUpdate("DELETE FROM strata_ingest.load_ledger"));
            assertEquals("42501", delete.getSQLState());
            SQLException read = assertThrows(SQLException.class,
                    () -> s.executeQuery("SELECT * FROM team_b__raw." + name));
            assertEquals("42501", read.getSQLState());
        }
        assertEquals(1, it.count("SELECT count(*) FROM strata_ingest.load_ledger WHERE load_id = '" + bId
                + "' AND result->>'rows' = '1'"), "B's ledger row is unchanged");
    }

    @Test
    void aNamespaceWithADashLandsInItsSchema() throws Exception {
        String name = unique("eu");
        JsonPath run = it.load(httpSpec("sales-eu", name, "id,amount\n1,9.5\n"));
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals("sales_eu__raw." + name, run.getString("table"));
        assertEquals(List.of("1|9.5"), it.rows("SELECT id, amount FROM sales_eu__raw." + name));
        AuditRecorded audit = audit("sales-eu", e -> run.getString("id").equals(e.details().get("loadId")));
        assertEquals("load.completed", audit.action());
        assertEquals("sales_eu__raw." + name, audit.target());
        assertEquals("1", audit.details().get("rows"));
        assertEquals("http", audit.details().get("sourceKind"));
        assertTrue(audit.details().values().stream().noneMatch(v -> v.contains("127.0.0.1")),
                "no URL in the audit: " + audit.details());
        assertTrue(audit.actor().length() > 0);
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private MinioClient s3() {
        return it.s3();
    }

    private void ensureBucket(String bucket) throws Exception {
        if (!s3().bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
            s3().makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
        }
    }

    private void put(String bucket, String key, byte[] bytes) throws Exception {
        s3().putObject(PutObjectArgs.builder().bucket(bucket).object(key)
                .stream(new ByteArrayInputStream(bytes), (long) bytes.length, null).build());
    }

    private KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private AuditRecorded audit(String namespace, Predicate<AuditRecorded> which) {
        return (AuditRecorded) event(Topics.AUDIT_EVENTS, namespace,
                e -> e instanceof AuditRecorded a && which.test(a));
    }

    /** The first event on {@code topic} with key {@code subject} that matches, read from the start (a minute at most). */
    private StrataEvent event(String topic, String subject, Predicate<StrataEvent> which) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<StrataEvent> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            Instant end = Instant.now().plusSeconds(60);
            while (Instant.now().isBefore(end) && found.isEmpty()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (subject.equals(r.key())) {
                        StrataEvent e = codec.decode(r.value()).data();
                        if (which.test(e)) {
                            found.add(e);
                        }
                    }
                }
            }
        }
        assertFalse(found.isEmpty(), "no matching event on " + topic + " for " + subject);
        return found.get(0);
    }
}
