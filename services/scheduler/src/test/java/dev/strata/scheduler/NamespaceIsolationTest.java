package dev.strata.scheduler;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import dev.strata.events.AuditRecorded;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.Topics;
import dev.strata.warehouse.NamespaceRoles;

/**
 * A pipeline of namespace {@code team-a} on a platform shared with {@code team-b}: its {@code sql} tasks run as
 * team-a's own Postgres role, so Postgres refuses everything outside team-a's schemas, and it may name no other
 * namespace. The API half (nothing of B visible to A) is {@link SchedulerNamespaceIsolationContractTest}.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,auth")})
class NamespaceIsolationTest extends SchedulerTestSupport {

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    @Override
    protected DevStack stack() {
        return stack;
    }

    /** B's table, made by B's role: two rows that nothing of A may read or change. */
    @BeforeEach
    void teamBHasATable() throws Exception {
        roles.ensure("team-a"); // made once here, not inside a timed task
        try (Connection b = roles.open("team-b"); Statement s = b.createStatement()) {
            s.execute("create table if not exists team_b__silver.t (v int)");
            s.execute("delete from team_b__silver.t");
            s.execute("insert into team_b__silver.t values (1), (2)");
        }
    }

    @Test
    void anSqlTaskRunsAsItsNamespacesRoleInOneTransactionAndIsAudited() throws Exception {
        try (KafkaConsumer<String, byte[]> audit = consumer(Topics.AUDIT_EVENTS)) {
            submitOk("""
                    namespace: team-a
                    id: sql_ok
                    tasks:
                      - id: fill
                        type: sql
                        inputs:
                          sql: |
                            drop table if exists team_a__silver.t;
                            create table team_a__silver.t (v int);
                            insert into team_a__silver.t values (1), (2), (3);
                            select current_user
                    """);
            UUID runId = trigger("team-a", "sql_ok", Map.of());
            JsonPath run = awaitEnded(runId);
            assertEquals("succeeded", run.getString("state"), run.prettify());
            assertEquals("3", task(run, "fill", "outputs.updateCount"));
            assertEquals("4", task(run, "fill", "outputs.statements"));
            assertEquals(List.of(1, 2, 3), ints("select v from team_a__silver.t order by v"));
            assertEquals(List.of("strata_ns_team_a"), strings("select tableowner from pg_tables "
                    + "where schemaname = 'team_a__silver' and tablename = 't'"));

            AuditRecorded entry = auditOf(audit, runId + "/fill");
            assertEquals("scheduler:sql_ok", entry.actor());
            assertEquals("sql.executed", entry.action());
            assertEquals("team-a", entry.namespace());
            assertEquals("succeeded", entry.details().get("outcome"));
            assertEquals("3", entry.details().get("updateCount"));
            assertEquals("strata_ns_team_a", entry.details().get("role"));
            assertThat(entry.details().get("sql"), containsString("create table team_a__silver.t (v int)"));

            // several statements are one transaction: the insert before a refused statement is not kept
            submitOk("""
                    namespace: team-a
                    id: sql_partial
                    tasks:
                      - id: both
                        type: sql
                        inputs:
                          sql: "insert into team_a__silver.t values (99); delete from team_b__silver.t"
                    """);
            UUID partial = trigger("team-a", "sql_partial", Map.of());
            JsonPath failed = awaitEnded(partial);
            assertEquals("failed", failed.getString("state"));
            assertThat(task(failed, "both", "error"), containsString("permission denied for schema team_b__silver"));
            assertEquals(List.of(1, 2, 3), ints("select v from team_a__silver.t order by v"));
            AuditRecorded refused = auditOf(audit, partial + "/both");
            assertEquals("failed", refused.details().get("outcome"));
            assertEquals("42501", refused.details().get("sqlState"));
        }
        assertEquals(List.of(1, 2), ints("select v from team_b__silver.t order by v"));
    }

    @Test
    void everyEscapeFromTheNamespaceFailsWithAPermissionErrorNotRetriedAndChangesNothing() throws Exception {
        Map<String, String> escapes = new LinkedHashMap<>();
        escapes.put("read_b", "select * from team_b__silver.t");
        escapes.put("write_b", "insert into team_b__silver.t values (666)");
        escapes.put("drop_b", "drop table team_b__silver.t");
        escapes.put("create_in_b", "create table team_b__silver.planted (v int)");
        escapes.put("password_hashes", "select rolname, rolpassword from pg_authid");
        escapes.put("program", "COPY (select 1) TO PROGRAM 'id'");
        escapes.put("server_file", "select pg_read_file('postgresql.conf')");
        escapes.put("extension", "CREATE EXTENSION dblink");
        escapes.put("set_role", "SET ROLE strata_ns_team_b");
        escapes.put("superuser", "SET ROLE " + PostgresServer.USER);
        StringBuilder yaml = new StringBuilder("namespace: team-a\nid: sql_escapes\ntasks:\n");
        escapes.forEach((id, sql) -> yaml.append("""
                  - id: %s
                    type: sql
                    retries: {count: 2, backoff: 100ms}
                    inputs: {sql: "%s"}
                """.formatted(id, sql)));
        submitOk(yaml.toString());
        JsonPath run = awaitEnded(trigger("team-a", "sql_escapes", Map.of()));
        assertEquals("failed", run.getString("state"));
        for (String id : escapes.keySet()) {
            String error = task(run, id, "error");
            assertEquals("failed", task(run, id, "state"), id + ": " + error);
            assertEquals("1", task(run, id, "attempt"), id + " was retried: " + error);
            assertThat(id, error, containsString("permission denied"));
            assertThat(id, error, containsString("(SQL state 42501)"));
        }
        assertThat(task(run, "read_b", "error"), containsString("permission denied for schema team_b__silver"));
        assertThat(task(run, "read_b", "error"), containsString("runs as its role strata_ns_team_a"));
        assertEquals(List.of(1, 2), ints("select v from team_b__silver.t order by v"));
        assertEquals(List.of(), strings("select tablename from pg_tables where schemaname = 'team_b__silver' "
                + "and tablename = 'planted'"));
        assertEquals(List.of(), strings("select extname from pg_extension where extname = 'dblink'"));
    }

    @Test
    void aStatementPastItsTimeoutIsCancelledEvenIfItLiftsItsOwnTimeout() {
        // the test profile caps sql tasks at 1 s (below its heartbeat timeout of 2 s) (strata.scheduler.local.sql-timeout)
        submitOk("""
                namespace: team-a
                id: sql_slow
                tasks:
                  - id: sleep
                    type: sql
                    retries: 2
                    inputs: {sql: "set statement_timeout = 0; select pg_sleep(60)"}
                """);
        long started = System.nanoTime();
        JsonPath run = awaitEnded(trigger("team-a", "sql_slow", Map.of()));
        assertEquals("failed", run.getString("state"));
        assertEquals("1", task(run, "sleep", "attempt"), task(run, "sleep", "error"));
        assertThat(task(run, "sleep", "error"), containsString("longer than its timeout of 1 s"));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 30, "cancelled, not slept out");
    }

    @Test
    void aPipelineNamesOnlyItsOwnNamespace() {
        JsonPath ingest = submit("""
                namespace: team-a
                id: load_b
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      spec:
                        namespace: team-b
                        name: orders
                        source: {kind: http, url: "https://example.com/orders.csv"}
                        format: {type: csv}
                """).then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertEquals("tasks[0].inputs.spec.namespace", ingest.getString("errors[0].path"));
        assertThat(ingest.getString("errors[0].message"), containsString("'team-b' is another namespace"));
        assertThat(ingest.getString("detail"), containsString("team-b"));

        JsonPath trigger = submit("""
                namespace: team-a
                id: on_b
                triggers:
                  - type: dataset_updated
                    dataset: team-b.orders
                tasks:
                  - id: tell
                    type: notify
                    inputs: {channel: alerts, message: b changed}
                """).then().statusCode(400).contentType("application/problem+json").extract().jsonPath();
        assertEquals("triggers[0].dataset", trigger.getString("errors[0].path"));
        assertThat(trigger.getString("errors[0].message"), containsString("'team-b' is another namespace"));

        // the namespace rule is the platform's one rule
        JsonPath name = submit("""
                namespace: team_a
                id: x
                tasks:
                  - {id: a, type: notify, inputs: {channel: c, message: m}}
                """).then().statusCode(400).extract().jsonPath();
        assertEquals("namespace", name.getString("errors[0].path"));
        assertThat(name.getString("errors[0].message"), containsString("namespace 'team_a' is not valid"));
        submit("""
                namespace: team-a
                id: on_own
                triggers:
                  - {type: dataset_updated, dataset: team-a.orders}
                tasks:
                  - {id: a, type: notify, inputs: {channel: c, message: m}}
                """).then().statusCode(org.hamcrest.Matchers.anyOf(equalTo(200), equalTo(201)));
    }

    // ------------------------------------------------------------------ helpers

    private List<Integer> ints(String sql) throws SQLException {
        List<Integer> out = new ArrayList<>();
        for (String s : strings(sql)) {
            out.add(Integer.valueOf(s));
        }
        return out;
    }

    /** Read as the local superuser, beside the platform: what is really in the warehouse. */
    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private KafkaConsumer<String, byte[]> consumer(String topic) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "test-isolation-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** The audit entry about {@code target} on the audit topic. */
    private static AuditRecorded auditOf(KafkaConsumer<String, byte[]> consumer, String target) {
        EventCodec codec = new EventCodec();
        List<Object> seen = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                EventEnvelope<?> e = codec.decode(r.value());
                if (e.data() instanceof AuditRecorded a) {
                    if (target.equals(a.target())) {
                        assertEquals(a.namespace(), r.key(), "keyed by its namespace");
                        return a;
                    }
                    seen.add(a.target());
                }
            }
        }
        assertFalse(true, "no audit entry for " + target + " on " + Topics.AUDIT_EVENTS + "; saw " + seen);
        return null;
    }
}
