package dev.strata.transform.run;

import static dev.strata.transform.TransformStack.build;
import static dev.strata.transform.TransformStack.count;
import static dev.strata.transform.TransformStack.result;
import static dev.strata.transform.TransformStack.rows;
import static dev.strata.transform.TransformStack.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.transform.TransformStack;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.warehouse.NamespaceRoles;

/**
 * The engine against the real warehouse, in namespace {@value #NS} (schemas {@code engine__*}): materializations,
 * incremental runs, swaps, failures, tests, the namespace's role.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class EngineTest {

    static final String NS = "engine";

    @Inject
    NamespaceRoles roles;

    /** The namespace's own role: sets up its raw tables as ingest would and reads what its builds wrote. */
    DataSource warehouse;

    @BeforeEach
    void prepare() {
        warehouse = TransformStack.as(roles, NS);
    }

    static CompiledProject compile(ProjectFiles files, Map<String, ?> vars) {
        return TransformStack.compile(NS, files, vars);
    }

    static ProjectFiles project(String... pathAndText) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", """
                name: enginetest
                models:
                  enginetest:
                    bronze:
                      +schema: bronze
                      +materialized: view
                    silver:
                      +materialized: table
                """);
        for (int i = 0; i < pathAndText.length; i += 2) {
            files.put(pathAndText[i], pathAndText[i + 1]);
        }
        return ProjectFiles.of(files);
    }

    static final String RAW_SOURCES = """
            version: 2
            sources:
              - name: raw
                tables:
                  - name: mat_orders
                  - name: inc_events
                  - name: fresh_loads
                    loaded_at_field: loaded_at
                    freshness:
                      warn_after: {count: 1, period: hour}
                      error_after: {count: 1, period: day}
            """;

    @Test
    void viewTableEphemeralAndSeed() {
        sql(warehouse, "drop table if exists engine__raw.mat_orders cascade",
                "create table engine__raw.mat_orders (id int, amount numeric, country text)",
                "insert into engine__raw.mat_orders values (1, 10.5, 'FR'), (2, 20, 'DE'), (3, 5, 'FR')");
        CompiledProject p = compile(project("models/sources.yml", RAW_SOURCES,
                "seeds/mat_countries.csv", "code,name,eu_member,joined\nFR,France,true,1957-03-25\nDE,Germany,true,"
                        + "1957-03-25\n",
                "models/bronze/mat_stg.sql", "select id, amount, country from {{ source('raw', 'mat_orders') }}",
                "models/silver/mat_eph.sql", "{{ config(materialized='ephemeral') }}\nselect o.*, c.name as"
                        + " country_name from {{ ref('mat_stg') }} o join {{ ref('mat_countries') }} c on c.code ="
                        + " o.country",
                "models/silver/mat_by_country.sql", "select country_name, sum(amount) as total, count(*) as orders"
                        + " from {{ ref('mat_eph') }} group by country_name"),
                Map.of());

        List<NodeResult> results = build(roles, p, "", false);

        assertTrue(results.stream().allMatch(NodeResult::ok), results.toString());
        assertEquals("v", kind("engine__bronze", "mat_stg"));
        assertEquals("r", kind("engine__silver", "mat_by_country"));
        assertNull(kind("engine__silver", "mat_eph"), "an ephemeral model leaves nothing in the warehouse");
        assertEquals(2L, result(results, "mat_countries").rows());
        assertEquals(List.of(List.of("boolean", "date")), rows(warehouse, "select pg_typeof(eu_member)::text,"
                + " pg_typeof(joined)::text from engine__silver.mat_countries limit 1"), "seed columns are typed");
        assertEquals(List.of(List.of("France", new BigDecimal("15.5"), 2L), List.of("Germany", new BigDecimal("20"),
                1L)),
                rows(warehouse, "select country_name, total, orders from engine__silver.mat_by_country order by 1"));
        assertEquals(2L, result(results, "mat_by_country").rows());
        assertTrue(result(results, "mat_by_country").sql().contains("with __strata_cte__mat_eph as ("));
    }

    @Test
    void incrementalRunTwiceAddsNewRowsWithoutDuplicates() {
        sql(warehouse, "drop table if exists engine__raw.inc_events cascade",
                "create table engine__raw.inc_events (id int, v text, updated_at timestamptz)",
                "insert into engine__raw.inc_events values (1, 'a', '2026-01-01'), (2, 'b', '2026-01-02'),"
                        + " (3, 'c', '2026-01-03')");
        String filter = "{% if is_incremental() %} where updated_at > (select max(updated_at) from {{ this }})"
                + " {% endif %}";
        CompiledProject p = compile(project("models/sources.yml", RAW_SOURCES,
                "models/silver/inc_merge.sql", "{{ config(materialized='incremental', unique_key='id') }}\nselect *"
                        + " from {{ source('raw', 'inc_events') }}" + filter,
                "models/silver/inc_append.sql", "{{ config(materialized='incremental') }}\nselect * from"
                        + " {{ source('raw', 'inc_events') }}" + filter),
                Map.of());

        List<NodeResult> first = build(roles, p, "", false);
        assertEquals(3L, result(first, "inc_merge").rows());
        assertEquals(3L, count(warehouse, "select count(*) from engine__silver.inc_append"));

        sql(warehouse, "insert into engine__raw.inc_events values (4, 'd', '2026-01-04'), (2, 'b2', '2026-01-05')");
        List<NodeResult> second = build(roles, p, "", false);

        assertEquals(2L, result(second, "inc_merge").rows(), "only the new rows were read and written");
        assertTrue(result(second, "inc_merge").sql().contains("where updated_at > (select max(updated_at) from"
                + " \"engine__silver\".\"inc_merge\")"), result(second, "inc_merge").sql());
        assertEquals(List.of(List.of(1, "a"), List.of(2, "b2"), List.of(3, "c"), List.of(4, "d")),
                rows(warehouse, "select id, v from engine__silver.inc_merge order by id"),
                "merged on id: no duplicates");
        assertEquals(5L, count(warehouse, "select count(*) from engine__silver.inc_append"), "appended the 2 new rows");

        List<NodeResult> full = build(roles, p, "inc_append", true);
        assertEquals(4L + 1, result(full, "inc_append").rows(), "a full refresh rebuilds from every source row");
    }

    @Test
    void snapshotsKeepEveryVersionWithTimestampAndCheckStrategies() {
        sql(warehouse, "drop table if exists engine__raw.snap_customers cascade",
                "drop table if exists engine__gold.snap_ts cascade",
                "drop table if exists engine__gold.snap_check cascade",
                "create table engine__raw.snap_customers (id int, tier text, updated_at timestamp)",
                "insert into engine__raw.snap_customers values (1, 'bronze', '2026-01-01'), (2, 'silver', '2026-01-01'),"
                        + " (3, 'gold', '2026-01-01')");
        CompiledProject p = compile(project("models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    tables:
                      - name: snap_customers
                """, "snapshots/customers.sql", """
                {% snapshot snap_ts %}
                {{ config(target_schema='gold', unique_key='id', strategy='timestamp', updated_at='updated_at') }}
                select * from {{ source('raw', 'snap_customers') }}
                {% endsnapshot %}

                {% snapshot snap_check %}
                {{ config(target_schema='gold', unique_key='id', strategy='check', check_cols=['tier'],
                          invalidate_hard_deletes=True) }}
                select id, tier from {{ source('raw', 'snap_customers') }}
                {% endsnapshot %}
                """, "models/silver/snap_current.sql",
                "select id, tier from {{ ref('snap_ts') }} where dbt_valid_to is null"), Map.of());

        List<NodeResult> first = build(roles, p, "", false);
        assertTrue(first.stream().allMatch(NodeResult::ok), first.toString());
        assertEquals(3L, result(first, "snap_ts").rows());

        // 2 changes tier, 3 is deleted at the source, 4 is new, 1 stays as it was
        sql(warehouse, "update engine__raw.snap_customers set tier = 'gold', updated_at = '2026-02-01' where id = 2",
                "delete from engine__raw.snap_customers where id = 3",
                "insert into engine__raw.snap_customers values (4, 'bronze', '2026-02-02')");
        List<NodeResult> second = build(roles, p, "", false);
        assertTrue(second.stream().allMatch(NodeResult::ok), second.toString());
        assertEquals(2L, result(second, "snap_ts").rows(), "new versions of 2 and 4");
        assertEquals(List.of(List.of(1, "bronze", "2026-01-01", "current"), List.of(2, "silver", "2026-01-01",
                "2026-02-01"), List.of(2, "gold", "2026-02-01", "current"),
                List.of(3, "gold", "2026-01-01",
                        "current"),
                List.of(4, "bronze", "2026-02-02", "current")),
                rows(warehouse, "select id, tier, dbt_valid_from::date::text, coalesce(dbt_valid_to::date::text,"
                        + " 'current') from engine__gold.snap_ts order by id, dbt_valid_from"));
        assertEquals(List.of(List.of(1, "bronze", true), List.of(2, "silver", false), List.of(2, "gold", true),
                List.of(3, "gold", false), List.of(4, "bronze", true)),
                rows(warehouse, "select id, tier,"
                        + " dbt_valid_to is null from engine__gold.snap_check order by id, dbt_valid_from"),
                "check strategy: the tier change makes a version, the deleted row is closed");
        assertEquals(List.of(List.of(1, "bronze"), List.of(2, "gold"), List.of(3, "gold"), List.of(4, "bronze")),
                rows(warehouse, "select id, tier from engine__silver.snap_current order by id"),
                "models read snapshots");

        List<NodeResult> third = build(roles, p, "", false);
        assertEquals(0L, result(third, "snap_ts").rows(), "nothing changed: no new version");
        assertEquals(0L, result(third, "snap_check").rows());
        assertEquals(5L, count(warehouse, "select count(*) from engine__gold.snap_ts"));
        assertEquals(5L, count(warehouse, "select count(distinct dbt_scd_id) from engine__gold.snap_ts"));
    }

    @Test
    void tableRebuildIsNeverSeenHalfDone() throws Exception {
        String model = "select g as id, {{ var('batch') }} as batch from generate_series(1, {{ var('n') }}) g";
        CompiledProject first = compile(project("models/silver/swap_big.sql", model,
                "models/bronze/swap_reader.sql", "select count(*) as n from {{ ref('swap_big') }}"),
                Map.of("n",
                        20000, "batch", 0));
        assertTrue(build(roles, first, "swap_big", false).get(0).ok());

        AtomicBoolean stop = new AtomicBoolean();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (Connection c = warehouse.getConnection(); Statement s = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = s.executeQuery("select count(*), count(distinct batch), min(batch) from"
                            + " engine__silver.swap_big")) {
                        rs.next();
                        seen.add(rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3));
                    }
                }
            } catch (Exception e) {
                seen.add("error: " + e.getMessage());
            }
        });
        reader.start();
        try {
            for (int batch = 1; batch <= 6; batch++) {
                // the first three swap by rename; then a view reads the table and the rows are replaced in place
                String select = batch <= 3 ? "swap_big" : "swap_big swap_reader";
                CompiledProject p = compile(project("models/silver/swap_big.sql", model,
                        "models/bronze/swap_reader.sql", "select count(*) as n from {{ ref('swap_big') }}"),
                        Map.of(
                                "n", 20000 + batch * 1000, "batch", batch));
                List<NodeResult> r = build(roles, p, select, false);
                assertTrue(r.stream().allMatch(NodeResult::ok), r.toString());
            }
        } finally {
            stop.set(true);
            reader.join();
        }
        assertTrue(seen.size() > 1, "the reader read while the table was rebuilt");
        for (String s : seen) {
            String[] parts = s.split("/");
            assertTrue(parts.length == 3 && parts[1].equals("1")
                    && Long.parseLong(parts[0]) == 20000 + Long.parseLong(parts[2]) * 1000,
                    "a reader saw a complete batch each time, got " + s);
        }
        assertEquals(26000L, count(warehouse, "select count(*) from engine__silver.swap_big"));
        assertEquals(26000L, count(warehouse, "select n from engine__bronze.swap_reader"));
    }

    @Test
    void failingModelSkipsOnlyItsDescendants() {
        CompiledProject p = compile(project(
                "models/silver/fail_ok_a.sql", "select 1 as id",
                "models/silver/fail_ok_c.sql", "select id + 1 as id from {{ ref('fail_ok_a') }}",
                "models/silver/fail_bad_b.sql", "select id, no_such_column from {{ ref('fail_ok_a') }}",
                "models/silver/fail_child.sql", "select * from {{ ref('fail_bad_b') }}",
                "models/silver/fail_grandchild.sql", "select * from {{ ref('fail_child') }}"), Map.of());

        List<NodeResult> results = build(roles, p, "", false);

        assertEquals("success", result(results, "fail_ok_a").status());
        assertEquals("success", result(results, "fail_ok_c").status());
        NodeResult bad = result(results, "fail_bad_b");
        assertEquals("error", bad.status());
        assertTrue(bad.error().startsWith("models/silver/fail_bad_b.sql: column \"no_such_column\" does not exist"),
                bad.error());
        assertEquals("skipped", result(results, "fail_child").status());
        assertEquals("skipped", result(results, "fail_grandchild").status());
        assertTrue(result(results, "fail_grandchild").error().contains("fail_"), "says which upstream failed");
        assertEquals(List.of(List.of(2)), rows(warehouse, "select id from engine__silver.fail_ok_c"));
        assertNull(kind("engine__silver", "fail_child"));
    }

    @Test
    void dataTestsPassFailWarnAndQuarantineRows() {
        StringBuilder values = new StringBuilder("select * from (values (1, 1, 'paid'), (2, 9, 'open')");
        for (int i = 0; i < 15; i++) {
            values.append(", (3, 1, 'paid')"); // 15 rows with id 3
        }
        values.append(", (null, 1, 'weird')) as t(id, customer_id, status)");
        CompiledProject p = compile(project(
                "models/silver/tq_customers.sql", "select 1 as id",
                "models/silver/tq_orders.sql", values.toString(),
                "models/silver/tq_after_orders.sql", "select count(*) as n from {{ ref('tq_orders') }}",
                "models/silver/tq_clean.sql", "select id from {{ ref('tq_customers') }}",
                "models/silver/schema.yml", """
                        version: 2
                        models:
                          - name: tq_customers
                            columns:
                              - name: id
                                tests: [unique, not_null]
                          - name: tq_orders
                            columns:
                              - name: id
                                tests:
                                  - unique
                                  - not_null: {config: {severity: warn}}
                              - name: status
                                tests:
                                  - accepted_values: {values: [paid, open], severity: warn}
                              - name: customer_id
                                tests:
                                  - relationships: {to: "ref('tq_customers')", field: id, severity: warn}
                                  - below: {limit: 100}
                        """,
                "tests/generic/below.sql", """
                        {% test below(model, column_name, limit) %}
                        select * from {{ model }} where {{ column_name }} >= {{ limit }}
                        {% endtest %}
                        """,
                "tests/tq_no_open_orders.sql", "select * from {{ ref('tq_orders') }} where status = 'open'"),
                Map.of());

        List<NodeResult> results = build(roles, p, "", false);

        assertEquals("pass", result(results, "unique_tq_customers_id").status());
        assertEquals("pass", result(results, "not_null_tq_customers_id").status());
        assertEquals("success", result(results, "tq_clean").status(), "passing tests let children build");
        NodeResult unique = result(results, "unique_tq_orders_id");
        assertEquals("fail", unique.status());
        assertEquals(1L, unique.rows(), "one duplicated id");
        assertEquals("warn", result(results, "not_null_tq_orders_id").status());
        assertEquals(1L, result(results, "not_null_tq_orders_id").rows());
        assertEquals("warn", result(results, "accepted_values_tq_orders_status").status());
        assertEquals("warn", result(results, "relationships_tq_orders_customer_id").status());
        assertEquals(1L, result(results, "relationships_tq_orders_customer_id").rows(), "customer 9 is unknown");
        assertEquals("pass", result(results, "below_tq_orders_customer_id").status());
        assertEquals("fail", result(results, "tq_no_open_orders").status());
        assertEquals("skipped", result(results, "tq_after_orders").status(),
                "a failing error-severity test stops its model's children");
        assertEquals(List.of(List.of(3, 15L)), rows(warehouse, "select unique_field, n_records from"
                + " engine__quarantine.enginetest__unique_tq_orders_id"));
        assertEquals(List.of(List.of(2, 9, "open")), rows(warehouse, "select * from"
                + " engine__quarantine.enginetest__tq_no_open_orders"));
        assertNull(kind("engine__quarantine", "enginetest__below_tq_orders_customer_id"),
                "a passing test keeps nothing");

        // fixed data: the same tests pass and the quarantine is emptied
        CompiledProject fixed = compile(project(
                "models/silver/tq_customers.sql", "select 1 as id",
                "models/silver/tq_orders.sql", "select 1 as id, 1 as customer_id, 'paid' as status",
                "tests/tq_no_open_orders.sql", "select * from {{ ref('tq_orders') }} where status = 'open'"),
                Map.of());
        List<NodeResult> again = build(roles, fixed, "tq_orders", false);
        assertEquals("pass", result(again, "tq_no_open_orders").status());
        assertNull(kind("engine__quarantine", "enginetest__tq_no_open_orders"));
    }

    @Test
    void limitOfQuarantinedRows() {
        CompiledProject p = compile(project("models/silver/tq_many.sql",
                "select g as id from generate_series(1, 50) g, generate_series(1, 2)",
                "models/silver/schema.yml", """
                        version: 2
                        models:
                          - name: tq_many
                            columns:
                              - name: id
                                tests: [unique]
                        """), Map.of());
        NodeResult r = result(build(roles, p, "", false), "unique_tq_many_id");
        assertEquals(50L, r.rows());
        assertEquals(10L, count(warehouse, "select count(*) from engine__quarantine.enginetest__unique_tq_many_id"),
                "at most the limit (10 in this test) is kept");
    }

    @Test
    void modelSqlRunsAsTheNamespaceRole() {
        CompiledProject p = compile(project(
                "models/silver/role_who.sql", "select current_user as who",
                "models/silver/role_secrets.sql", "select rolname, rolpassword from pg_authid",
                "models/silver/role_public.sql", "{{ config(schema='public') }} select 1 as id"), Map.of());
        List<NodeResult> results = build(roles, p, "", false);
        assertEquals(List.of(List.of("strata_ns_engine")), rows(warehouse, "select who from engine__silver.role_who"));
        assertTrue(result(results, "role_secrets").error().contains("permission denied"), results.toString());
        assertEquals("success", result(results, "role_public").status(), results.toString());
        assertEquals("r", kind("engine__public", "role_public"), "schema 'public' of the project is the namespace's");
        assertNull(kind("public", "role_public"));
    }

    @Test
    void sourceFreshness() {
        sql(warehouse, "drop table if exists engine__raw.fresh_loads",
                "create table engine__raw.fresh_loads (id int, loaded_at"
                        + " timestamptz)",
                "insert into engine__raw.fresh_loads values (1, now() - interval '2 hours')");
        CompiledProject p = compile(project("models/sources.yml", RAW_SOURCES,
                "models/silver/fresh_model.sql", "select * from {{ source('raw', 'fresh_loads') }}"), Map.of());
        NodeResult warn = result(build(roles, p, "", false), "raw.fresh_loads");
        assertEquals("warn", warn.status());
        assertEquals(3600L, warn.rows(), "the threshold breached");
        sql(warehouse, "update engine__raw.fresh_loads set loaded_at = now() - interval '2 days'");
        assertEquals("error", result(build(roles, p, "", false), "raw.fresh_loads").status());
        sql(warehouse, "update engine__raw.fresh_loads set loaded_at = now()");
        assertEquals("pass", result(build(roles, p, "", false), "raw.fresh_loads").status());
    }

    private String kind(String schema, String name) {
        List<List<Object>> r = rows(warehouse, "select c.relkind::text from pg_class c join pg_namespace n on n.oid ="
                + " c.relnamespace where n.nspname = '" + schema + "' and c.relname = '" + name + "'");
        return r.isEmpty() ? null : (String) r.get(0).get(0);
    }

}
