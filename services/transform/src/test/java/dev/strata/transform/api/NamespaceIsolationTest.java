package dev.strata.transform.api;

import static dev.strata.transform.TransformStack.count;
import static dev.strata.transform.TransformStack.rows;
import static dev.strata.transform.TransformStack.sql;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.devstack.quarkus.IssuerClient;
import dev.strata.transform.Archives;
import dev.strata.transform.TransformStack;
import dev.strata.warehouse.NamespaceRoles;

/**
 * Builds are kept inside their namespace by Postgres itself: one project built in two namespaces makes two independent
 * sets of tables, and a model that reaches for another namespace, the server or another role fails with the
 * database's permission error and changes nothing. Asserted as a user would: build status and errors over REST, rows
 * in the tables read by the superuser.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceIsolationTest {

    static final Path OWNED = Path.of("/tmp/strata-isolation-owned");

    @InjectDevStack
    DevStack stack;

    @Inject
    NamespaceRoles roles;

    @Inject
    AgroalDataSource db;

    DataSource superuser;
    String token;

    @BeforeAll
    void setUp() throws Exception {
        superuser = TransformStack.superuser();
        token = new IssuerClient(stack.auth()).tokenFor(Map.of("team-a", "engineer", "team-b", "engineer"));
        Files.deleteIfExists(OWNED);
    }

    static Map<String, String> twinProject() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: iso\nmodels:\n  iso:\n    +materialized: table\n    marts:\n"
                + "      +schema: gold\n");
        files.put("models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    schema: raw
                    tables:
                      - name: iso_orders
                """);
        files.put("seeds/iso_tiers.csv", "tier,rank\nlow,1\nhigh,2\n");
        files.put("models/iso_x.sql", "select o.id, o.who, t.rank from {{ source('raw', 'iso_orders') }} o"
                + " join {{ ref('iso_tiers') }} t on t.tier = o.tier");
        files.put("models/marts/iso_total.sql", "{{ config(alias='iso_sum') }}\nselect count(*) as n, min(who) as who"
                + " from {{ ref('iso_x') }}");
        return files;
    }

    JsonPath pushAndBuild(String namespace, Map<String, String> files) throws InterruptedException {
        String project = given().auth().oauth2(token).contentType("application/zip").body(Archives.zip("", files))
                .post("/api/v1/projects/" + namespace).then().statusCode(201).extract().jsonPath()
                .getString("project");
        String id = given().auth().oauth2(token).contentType("application/json").body(Map.of())
                .post("/api/v1/projects/" + namespace + "/" + project + "/builds").then().statusCode(202).extract()
                .jsonPath().getString("id");
        return TransformStack.waitForBuild(token, id);
    }

    @Test
    void theSameProjectInTwoNamespacesBuildsTwoIndependentSetsOfTables() throws Exception {
        // each namespace's raw data, loaded as its own role (as ingest does): 2 orders in A, 3 in B
        sql(TransformStack.as(roles, "team-a"), "create table team_a__raw.iso_orders (id int, who text, tier text)",
                "insert into team_a__raw.iso_orders values (1, 'a', 'low'), (2, 'a', 'high')");
        sql(TransformStack.as(roles, "team-b"), "create table team_b__raw.iso_orders (id int, who text, tier text)",
                "insert into team_b__raw.iso_orders values (1, 'b', 'low'), (2, 'b', 'low'), (3, 'b', 'high')");

        JsonPath a = pushAndBuild("team-a", twinProject());
        JsonPath b = pushAndBuild("team-b", twinProject());

        assertEquals("success", a.getString("status"), a.prettify());
        assertEquals("success", b.getString("status"), b.prettify());
        assertEquals(List.of(List.of(2L, "a")), rows(superuser, "select n, who from team_a__gold.iso_sum"));
        assertEquals(List.of(List.of(3L, "b")), rows(superuser, "select n, who from team_b__gold.iso_sum"));
        assertEquals(2L, count(superuser, "select count(*) from team_a__silver.iso_x where who = 'a'"));
        assertEquals(3L, count(superuser, "select count(*) from team_b__silver.iso_x where who = 'b'"));
        assertEquals(2L, count(superuser, "select count(*) from team_b__silver.iso_tiers"), "seeds too");
        assertEquals(0L, count(superuser, "select count(*) from pg_tables where tablename in ('iso_x', 'iso_sum',"
                + " 'iso_tiers') and schemaname not in ('team_a__silver', 'team_a__gold', 'team_b__silver',"
                + " 'team_b__gold')"), "nothing outside the namespaces' schemas");
        assertEquals(List.of(List.of("strata_ns_team_a")), rows(superuser, "select tableowner::text from pg_tables"
                + " where schemaname = 'team_a__gold' and tablename = 'iso_sum'"));

        assertEquals("\"team_a__gold\".\"iso_sum\"", node(a, "iso_total").get("relation"));
        assertEquals("\"team_b__gold\".\"iso_sum\"", node(b, "iso_total").get("relation"));
        assertTrue(String.valueOf(node(b, "iso_x").get("compiledSql")).contains("from \"team_b__raw\".\"iso_orders\""));
        // what the registry is told: DatasetUpdated with the warehouse location of each namespace's own table
        assertEquals(1L, count(db, "select count(*) from outbox where event_key = 'team-a.iso_total' and"
                + " convert_from(payload, 'UTF8') like '%postgresql://warehouse/team_a\\_\\_gold.iso\\_sum%'"));
        assertEquals(1L, count(db, "select count(*) from outbox where event_key = 'team-b.iso_total' and"
                + " convert_from(payload, 'UTF8') like '%postgresql://warehouse/team_b\\_\\_gold.iso\\_sum%'"));
        // and the audit log: each build once, in its own namespace, with the role it ran as
        for (String ns : List.of("team-a", "team-b")) {
            String buildId = (ns.equals("team-a") ? a : b).getString("id");
            assertEquals(1L, count(db, "select count(*) from outbox where topic = 'strata.events.audit'"
                    + " and event_key = '" + ns + "' and convert_from(payload, 'UTF8') like '%\"build.succeeded\"%'"
                    + " and convert_from(payload, 'UTF8') like '%" + buildId + "%'"
                    + " and convert_from(payload, 'UTF8') like '%strata_ns_" + ns.replace('-', '_') + "%'"), ns);
        }
    }

    @Test
    void aModelCannotReachOutsideItsNamespace() throws Exception {
        sql(TransformStack.as(roles, "team-b"), "create table team_b__silver.iso_victim (v int)",
                "insert into team_b__silver.iso_victim values (1), (2), (3)");
        roles.ensure("team-a");
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: isoattack\nmodels:\n  isoattack:\n    +materialized: table\n");
        Map<String, String> attacks = new LinkedHashMap<>();
        attacks.put("atk_read", "select * from team_b__silver.iso_victim");
        attacks.put("atk_drop", "select 1 as id; drop table team_b__silver.iso_victim");
        attacks.put("atk_plant", "select 1 as id; create table team_b__silver.iso_planted as select 1 as v");
        attacks.put("atk_metadata", "select rolname, rolpassword from pg_authid");
        attacks.put("atk_program", "select 1 as id; copy (select 1) to program 'touch " + OWNED + "'");
        attacks.put("atk_file", "select pg_read_file('postgresql.conf') as f");
        attacks.put("atk_extension", "select 1 as id; create extension if not exists dblink");
        attacks.put("atk_role", "select 1 as id; set role strata_ns_team_b");
        attacks.forEach((name, sql) -> files.put("models/" + name + ".sql", sql));

        JsonPath build = pushAndBuild("team-a", files);

        assertEquals("failed", build.getString("status"), build.prettify());
        assertTrue(build.getString("error").startsWith(attacks.size() + " steps failed, 0 skipped; first: atk_"),
                build.getString("error"));
        for (String name : attacks.keySet()) {
            Map<String, Object> n = node(build, name);
            assertEquals("error", n.get("status"), name + ": " + n);
            String error = String.valueOf(n.get("error"));
            assertTrue(error.startsWith("models/" + name + ".sql: ") && error.contains("permission denied"),
                    name + " failed with the database's permission error: " + error);
        }
        assertEquals(3L, count(superuser, "select count(*) from team_b__silver.iso_victim"), "B's table is unchanged");
        assertEquals(0L, count(superuser, "select count(*) from pg_tables where tablename = 'iso_planted'"));
        assertEquals(0L, count(superuser, "select count(*) from pg_extension where extname = 'dblink'"));
        assertFalse(Files.exists(OWNED), "no program ran on the database host");
    }

    @Test
    void anUnusableSchemaNameIsRefusedAtPushWithFileAndLine() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", "name: isobad\n");
        files.put("models/bad.sql", "-- lands elsewhere?\n{{ config(schema='team_b__silver\"; drop') }}\nselect 1");
        given().auth().oauth2(token).contentType("application/zip").body(Archives.zip("", files))
                .post("/api/v1/projects/team-a").then().statusCode(422)
                .body("errors[0].file", equalTo("models/bad.sql"))
                .body("errors[0].line", equalTo(2))
                .body("detail", containsString("schema 'team_b__silver\"; drop' is not valid"));
    }

    static Map<String, Object> node(JsonPath build, String name) {
        List<Map<String, Object>> nodes = build.getList("nodes");
        return nodes.stream().filter(n -> name.equals(n.get("node"))).findFirst()
                .orElseThrow(() -> new AssertionError("no step " + name + " in " + build.prettify()));
    }
}
