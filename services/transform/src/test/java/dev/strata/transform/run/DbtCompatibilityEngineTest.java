package dev.strata.transform.run;

import static dev.strata.transform.TransformStack.build;
import static dev.strata.transform.TransformStack.result;
import static dev.strata.transform.TransformStack.rows;
import static dev.strata.transform.TransformStack.sql;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * dbt projects built in the real warehouse (namespace {@value #NS}) give the tables dbt-core 1.11 with dbt-postgres
 * gives: the expected rows and column types are written from dbt's source, cited per test.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class DbtCompatibilityEngineTest {

    static final String NS = "dbtcompat";

    @Inject
    NamespaceRoles roles;

    DataSource warehouse;

    @BeforeEach
    void prepare() {
        warehouse = TransformStack.as(roles, NS);
    }

    static CompiledProject compile(String... pathAndText) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", """
                name: compat
                seeds:
                  compat:
                    typed:
                      +column_types: {label: varchar(5)}
                """);
        for (int i = 0; i < pathAndText.length; i += 2) {
            files.put(pathAndText[i], pathAndText[i + 1]);
        }
        return TransformStack.compile(NS, ProjectFiles.of(files), Map.of());
    }

    List<List<Object>> types(String table) {
        return rows(warehouse, "select column_name::text, data_type::text from information_schema.columns where"
                + " table_schema = 'dbtcompat__silver' and table_name = '" + table + "' order by ordinal_position");
    }

    /**
     * Seed types as dbt infers them: agate's Integer → integer, Number → float8 (dbt-adapters sql/impl.py
     * convert_integer_type, convert_number_type), Boolean, Date, DateTime → timestamp without time zone, Text; and
     * column_types wins.
     */
    @Test
    void seedsAreTypedAsDbtTypesThem() {
        CompiledProject p = compile(
                "seeds/plain.csv", "id,price,qty,flag,day,at,note\n1,9.99,3,true,2024-01-02,2024-01-02 10:00:00,a\n"
                        + "2,5,,false,2024-01-03,2024-01-03 11:30:00,\n",
                "seeds/typed/typed.csv", "id,label\n1,ab\n");
        List<NodeResult> results = build(roles, p, "", false);
        assertTrue(results.stream().allMatch(NodeResult::ok), results.toString());
        assertEquals(List.of(List.of("id", "integer"), List.of("price", "double precision"), List.of("qty",
                "integer"), List.of("flag", "boolean"), List.of("day", "date"),
                List.of("at",
                        "timestamp without time zone"),
                List.of("note", "text")), types("plain"));
        assertEquals(List.of(List.of("id", "integer"), List.of("label", "character varying")), types("typed"));
        assertEquals(List.of(List.of(2, 5.0)), rows(warehouse, "select id, price from dbtcompat__silver.plain"
                + " where qty is null"));
    }

    /**
     * run_query at build time as the namespace's role (execute is true), hooks around the model, a package's generic
     * test (dbt_utils.expression_is_true, written as dbt-utils writes it) and dbt's cross-database macros.
     */
    @Test
    void runQueryHooksPackagesAndCrossDatabaseMacros() {
        CompiledProject p = compile(
                "seeds/src_rows.csv", "id\n1\n2\n3\n",
                "dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\n",
                "dbt_packages/dbt_utils/macros/generic_tests/expression_is_true.sql",
                """
                        {% test expression_is_true(model, expression, column_name=None) %}
                          {{ return(adapter.dispatch('test_expression_is_true', 'dbt_utils')(model, expression, column_name)) }}
                        {% endtest %}

                        {% macro default__test_expression_is_true(model, expression, column_name) -%}
                        {% set column_list = '*' if should_store_failures() else "1" %}
                        select
                            {{ column_list }}
                        from {{ model }}
                        {% if column_name is none %}
                        where not({{ expression }})
                        {%- else %}
                        where not({{ column_name }} {{ expression }})
                        {%- endif %}
                        {% endmacro %}
                        """,
                "models/counted.sql", """
                        {{ config(materialized='table',
                                  pre_hook="select 1",
                                  post_hook=["insert into {{ this }} (n, src, top) values (99, 'hook', 0)"],) }}
                        {% set r = run_query("select count(*) as n from " ~ ref('src_rows')) %}
                        {% if execute %}{% set n = r.columns[0].values()[0] %}{% else %}{% set n = -1 %}{% endif %}
                        {% call statement('top', fetch_result=True) %}
                          select max(id) as m from {{ ref('src_rows') }}
                        {% endcall %}
                        {% set top = load_result('top')['data'][0][0] if execute else 0 %}
                        select {{ n }}::int as n, 'query'::text as src, {{ top }}::int as top
                        """,
                "models/dates.sql", """
                        select ({{ dbt.dateadd('day', 3, "'2024-01-30'::date") }})::date::text as plus3,
                          {{ dbt.datediff("'2024-01-01'::date", "'2024-03-01'::date", 'day') }} as days,
                          {{ dbt.date_trunc('month', "'2024-02-15'::date") }}::date::text as month,
                          {{ dbt.safe_cast("'12'", api.Column.translate_type('integer')) }} as twelve,
                          {{ dbt.hash("'a'") }} as h
                        """,
                "models/more_macros.sql",
                """
                        select {{ dbt.datediff("'2024-01-31'::date", "'2024-03-01'::date", 'month') }}::text as months,
                          {{ dbt.datediff("'2024-01-13'::date", "'2024-01-14'::date", 'week') }}::text as weeks,
                          {{ dbt.datediff("'2024-01-15'::date", "'2024-01-08'::date", 'week') }}::text as back,
                          {{ dbt.datediff("'2024-01-01 10:59'::timestamp", "'2024-01-02 11:00'::timestamp", 'hour') }}::text
                            as hours,
                          {{ dbt.last_day("'2024-02-10'::date", 'month') }}::text as eom,
                          {{ dbt.last_day("'2024-05-10'::date", 'quarter') }}::text as eoq,
                          {{ dbt.split_part("'a,b,c'", "','", -1) }} as last_part,
                          {{ dbt.concat(["'x'", "'-'", "'y'"]) }} as xy,
                          {{ dbt.date(2024, 3, 5) }}::text as d,
                          {{ dbt.equals('1', '1') }}::text as eq,
                          {{ dbt.array_construct([1, 2]) }}::text as arr,
                          {{ dbt.position("'b'", "'abc'") }}::text as pos,
                          (select {{ dbt.listagg('v', "'|'", 'order by v desc') }} from (values ('a'), ('b')) t(v)) as agg,
                          (select count(*) from ({{ dbt.date_spine('day', "'2024-01-01'::date", "'2024-01-08'::date") }})
                            s)::text as spine_days,
                          (select max(generated_number) from ({{ dbt.generate_series(5) }}) g)::text as gen
                        """,
                "models/other_macros.sql",
                """
                        {% set t0 = "'2023-12-31 10:00:59.999'::timestamp" %}
                        {% set t1 = "'2024-01-01 10:01:00.001'::timestamp" %}
                        select {{ dbt.datediff(t0, t1, 'year') }}::text as y, {{ dbt.datediff(t0, t1, 'quarter') }}::text as q,
                          {{ dbt.datediff(t0, t1, 'minute') }}::text as mi,
                          {{ dbt.datediff(t0, t1, 'millisecond') }}::text as ms,
                          (select {{ dbt.any_value('v') }} from (values (4), (4)) t(v))::text as anyv,
                          (select {{ dbt.bool_or('v') }} from (values (false), (true)) t(v))::text as anyt,
                          (select {{ dbt.listagg('v', "','", 'order by v', 2) }} from (values ('a'), ('c'), ('b')) t(v))
                            as first2,
                          {{ dbt.array_construct([], 'text') }}::text as empty,
                          {{ dbt.array_append(dbt.array_construct([1]), 2) }}::text as appended,
                          {{ dbt.array_concat('array[1]', 'array[3]') }}::text as joined,
                          {{ dbt.cast_bool_to_text('true') }} as bool_text,
                          {{ dbt.string_literal(dbt.escape_single_quotes("it's")) }}::text as quoted,
                          {{ dbt.replace("'abc'", "'b'", "'x'") }} as replaced, {{ dbt.right("'abc'", 2) }} as r,
                          {{ dbt.length("'abc'") }}::text as len,
                          (select 1 {{ dbt.except() }} select 2)::text as ex,
                          (select 1 {{ dbt.intersect() }} select 1)::text as isect,
                          cast('2024-01-01' as {{ dbt.type_timestamp() }})::text as ts,
                          cast(1.5 as {{ dbt.type_float() }})::text as fl, cast(7 as {{ dbt.type_bigint() }})::text as bi,
                          cast('t' as {{ dbt.type_boolean() }})::text as bo,
                          {{ dbt.cast("'9'", dbt.type_int()) }}::text as nine,
                          pg_typeof({{ dbt.current_timestamp_backcompat() }})::text as backcompat,
                          pg_typeof({{ dbt.snapshot_get_time() }})::text as snap,
                          {{ dbt.get_powers_of_two(5) }}::text as pow,
                          {{ dbt.get_intervals_between("'2024-01-01'::date", "'2024-01-08'::date", 'day') }}::text as between
                        """,
                "models/schema.yml", """
                        version: 2
                        models:
                          - name: counted
                            data_tests:
                              - dbt_utils.expression_is_true:
                                  expression: "n >= 0"
                        """);
        List<NodeResult> results = build(roles, p, "", false);
        assertTrue(results.stream().allMatch(NodeResult::ok), results.toString());
        assertEquals(List.of(List.of(3, "query", 3), List.of(99, "hook", 0)), rows(warehouse,
                "select n, src, top from dbtcompat__silver.counted order by n"));
        assertTrue(result(results, "counted").sql().contains("select 3::int as n, 'query'::text as src, 3::int as"
                + " top"), result(results, "counted").sql());
        assertEquals("pass", result(results, "expression_is_true_counted").status());
        assertEquals(List.of(List.of("2024-02-02", 60, "2024-02-01", 12, "0cc175b9c0f1b6a831c399e269772661")),
                rows(warehouse, "select plus3, days, month, twelve, h from dbtcompat__silver.dates"));
        assertEquals(List.of(List.of("2", "1", "-1", "25", "2024-02-29", "2024-06-30", "c", "x-y", "2024-03-05", "true",
                "{1,2}", "2", "b|a", "7", "5")), rows(warehouse, "select * from dbtcompat__silver.more_macros"));
        assertEquals(List.of(List.of("1", "1", "1441", "86400002", "4", "true", "a,b", "{}", "{1,2}", "{1,3}", "true",
                "it's", "axc", "bc", "3", "1", "1", "2024-01-01 00:00:00", "1.5", "7", "true", "9",
                "timestamp without time zone", "timestamp without time zone", "3", "7")),
                rows(warehouse, "select * from dbtcompat__silver.other_macros"));
    }

    /**
     * A check-strategy snapshot's meta columns are timestamp (without time zone) as dbt-postgres's
     * snapshot_get_time() makes them, and dbt_scd_id is dbt's snapshot_hash_arguments([unique_key, updated_at]).
     */
    @Test
    void snapshotMetaColumnsAreTypedAndHashedAsDbt() {
        try {
            roles.ensureSchemas(NS, List.of("raw")); // as ingest does before it loads
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        sql(warehouse, "drop table if exists dbtcompat__raw.people",
                "create table dbtcompat__raw.people (id int, name text)",
                "insert into dbtcompat__raw.people values (1, 'ann'), (2, 'bob')");
        CompiledProject p = compile("models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    tables:
                      - name: people
                """, "snapshots/people.sql", """
                {% snapshot people_snap %}
                {{ config(target_schema='silver', unique_key='id', strategy='check', check_cols=['name'],) }}
                select * from {{ source('raw', 'people') }}
                {% endsnapshot %}
                """);
        List<NodeResult> results = build(roles, p, "", false);
        assertTrue(results.stream().allMatch(NodeResult::ok), results.toString());
        assertEquals(List.of(List.of("id", "integer"), List.of("name", "text"), List.of("dbt_scd_id", "text"),
                List.of("dbt_updated_at", "timestamp without time zone"), List.of("dbt_valid_from",
                        "timestamp without time zone"),
                List.of("dbt_valid_to", "timestamp without time zone")),
                types("people_snap"));
        assertEquals(List.of(List.of(2L)), rows(warehouse, "select count(*) from dbtcompat__silver.people_snap where"
                + " dbt_scd_id = md5(coalesce(cast(id as varchar ), '') || '|' || coalesce(cast(dbt_updated_at as"
                + " varchar ), ''))"));
    }
    /**
     * dbt 1.8 unit tests (docs.getdbt.com/reference/resource-properties/unit-tests, /data-formats,
     * /unit-test-overrides): the model runs over the given rows instead of its inputs, typed as the input relations'
     * columns (the columns not given are null); its output is compared with expect on expect's columns, in any order;
     * dict and csv rows (inline or a tests/fixtures file); vars and macro overrides; is_incremental with input this. A
     * unit test runs before its model in the build; a failing one shows the differing rows and skips the model.
     */
    @Test
    void unitTestsRunBeforeTheirModelAndShowTheDiff() {
        CompiledProject p = compile(
                "seeds/people.csv", "id,name,born\n1,ann,1990\n2,bob,2001\n",
                "macros/adult_age.sql", "{% macro adult_age() %}18{% endmacro %}",
                "models/adults.sql", """
                        select id, upper(name) as name, {{ var('year', 2024) }} - born as age
                        from {{ ref('people') }} where {{ var('year', 2024) }} - born >= {{ adult_age() }}
                        """,
                "models/named.sql", """
                        {{ config(materialized='incremental', unique_key='id') }}
                        select id, name from {{ ref('adults') }}
                        {% if is_incremental() %} where id > (select max(id) from {{ this }}) {% endif %}
                        """,
                "models/wrong.sql", "select id, name || '!' as name from {{ ref('people') }}",
                "models/after_wrong.sql", "select * from {{ ref('wrong') }}",
                "tests/fixtures/people_fixture.csv", "id,name,born\n5,eve,2000\n6,tim,2012\n",
                "models/unit.yml", """
                        unit_tests:
                          - name: adults_are_18_or_more
                            model: adults
                            given:
                              - input: ref('people')
                                rows:
                                  - {id: 1, name: ann, born: 2000}
                                  - {id: 2, name: kid, born: 2015}
                                  - {id: 3, born: 1950}
                            expect:
                              rows:
                                - {id: 3, age: 74, name: null}
                                - {id: 1, name: ANN, age: 24}
                          - name: adults_in_another_year_with_csv
                            model: adults
                            overrides:
                              vars: {year: 2030}
                              macros: {adult_age: 20}
                            given:
                              - input: ref('people')
                                format: csv
                                fixture: people_fixture
                            expect:
                              format: csv
                              rows: |
                                id,age
                                5,30
                          - name: named_adds_newer_rows
                            model: named
                            overrides:
                              macros: {is_incremental: true}
                            given:
                              - input: ref('adults')
                                rows: [{id: 1, name: A}, {id: 7, name: G}]
                              - input: this
                                rows: [{id: 5, name: E}]
                            expect:
                              rows: [{id: 7, name: G}]
                          - name: wrong_keeps_names
                            model: wrong
                            given:
                              - input: ref('people')
                                rows: [{id: 1, name: ann}, {id: 2, name: bob}]
                            expect:
                              rows: [{id: 1, name: ann}, {id: 2, name: bob}]
                        """);
        List<NodeResult> results = build(roles, p, "", false);
        assertEquals("pass", result(results, "adults_are_18_or_more").status(), results.toString());
        assertEquals("pass", result(results, "adults_in_another_year_with_csv").status(), results.toString());
        assertEquals("pass", result(results, "named_adds_newer_rows").status(), results.toString());
        NodeResult wrong = result(results, "wrong_keeps_names");
        assertEquals("unit_test", wrong.kind());
        assertEquals("fail", wrong.status());
        assertEquals(4L, wrong.rows());
        assertTrue(wrong.error().startsWith("models/unit.yml: unit test wrong_keeps_names of model wrong failed: 4"
                + " rows differ"), wrong.error());
        assertTrue(wrong.error().contains("\n- {id: 1, name: ann}") && wrong.error().contains("\n+ {id: 1, name:"
                + " ann!}"), wrong.error());
        assertEquals("skipped", result(results, "wrong").status(), "a failing unit test stops its model");
        assertEquals("skipped", result(results, "after_wrong").status());
        assertEquals("success", result(results, "adults").status());
        assertTrue(results.indexOf(result(results, "adults_are_18_or_more")) < results.indexOf(result(results,
                "adults")), "unit tests run before their model");
        assertEquals(List.of(List.of(1, "ANN", 34), List.of(2, "BOB", 23)), rows(warehouse, "select id, name, age"
                + " from dbtcompat__silver.adults order by id"), "the model itself is built from the real rows");
    }
    /**
     * Enforced contracts (docs.getdbt.com/reference/resource-configs/contract): the query's column names and data
     * types must be the yml's, none more and none missing, else the model fails with every difference; the table's
     * columns follow the yml.
     */
    @Test
    void enforcedContractsCheckColumnNamesAndTypes() {
        CompiledProject p = compile(
                "models/contracted.sql", "select 1 as id, 'a'::text as name",
                "models/broken_contract.sql", "select 1 as id, 2 as extra",
                "models/contracts.yml", """
                        models:
                          - name: contracted
                            config: {materialized: table, contract: {enforced: true}}
                            columns:
                              - {name: name, data_type: text}
                              - {name: id, data_type: int}
                          - name: broken_contract
                            config: {materialized: table, contract: {enforced: true}}
                            columns:
                              - {name: id, data_type: varchar(10)}
                        """);
        List<NodeResult> results = build(roles, p, "", false);
        assertEquals("success", result(results, "contracted").status(), results.toString());
        assertEquals(List.of(List.of("name", "text"), List.of("id", "integer")), types("contracted"));
        NodeResult broken = result(results, "broken_contract");
        assertEquals("error", broken.status());
        assertTrue(broken.error().contains("broken_contract has an enforced contract that failed (the name, data_type"
                + " and number of columns of its yml must match its query): column id: the contract says character"
                + " varying, the query gives integer; column extra (integer) is in the query but not in the"
                + " contract"), broken.error());
        assertEquals(List.of(), types("broken_contract"), "nothing is built");
    }

    /**
     * adapter.get_columns_in_relation / get_relation, api.Relation.create and load_relation at build time, as the
     * namespace's role (dbt-adapters base/impl.py; dbt_utils.star's pattern: '*' while not executing, then the
     * columns); another namespace's schema finds nothing, as dbt for a relation that does not exist.
     */
    @Test
    void adapterReadsRelationsAndColumnsOfTheNamespace() {
        CompiledProject p = compile(
                "macros/star.sql", """
                        {% macro my_star(from, except=[]) -%}
                          {%- if not execute -%}{{ return('*') }}{%- endif -%}
                          {%- set cols = [] -%}
                          {%- for c in adapter.get_columns_in_relation(from) -%}
                            {%- if c.name not in except -%}{%- do cols.append(c.quoted) -%}{%- endif -%}
                          {%- endfor -%}
                          {{ return(cols | join(', ')) }}
                        {%- endmacro %}
                        """,
                "models/orders_wide.sql", """
                        {{ config(materialized='table') }}
                        select 1 as id, 10 as amount, 'x'::text as note
                        """,
                "models/narrow.sql", """
                        {{ config(materialized='table') }}
                        select {{ my_star(ref('orders_wide'), except=['amount']) }} from {{ ref('orders_wide') }}
                        """,
                "models/probe.sql",
                """
                        {{ config(materialized='table') }}
                        {% set own = adapter.get_relation(database=target.database, schema=ref('orders_wide').schema,
                                                          identifier='orders_wide') %}
                        {% set other = adapter.get_relation(target.database, 'other__silver', 'orders_wide') %}
                        {% set missing = load_relation(api.Relation.create(schema='silver', identifier='no_such')) %}
                        {% set loaded = load_relation(ref('orders_wide')) %}
                        {% set types = [] %}
                        {% for c in adapter.get_columns_in_relation(loaded) %}{% do types.append(c.data_type ~ ('+' if c.is_number() else '-')) %}{% endfor %}
                        select '{{ own }}'::text as own, {{ other is none }} as other_none,
                          {{ missing is none }} as missing_none, '{{ types | join(",") }}'::text as types
                        """);
        List<NodeResult> results = build(roles, p, "", false);
        assertEquals("success", result(results, "narrow").status(), results.toString());
        assertEquals(List.of(List.of("id", "integer"), List.of("note", "text")), types("narrow"));
        assertEquals("success", result(results, "probe").status(), results.toString());
        assertEquals(List.of(List.of("\"dbtcompat__silver\".\"orders_wide\"", true, true, "integer+,integer+,text-")),
                rows(warehouse, "select own, other_none, missing_none, types from dbtcompat__silver.probe"));
    }

    /**
     * on-run-start / on-run-end of dbt_project.yml (docs.getdbt.com/reference/project-configs/on-run-start-on-run-end):
     * run as the namespace's role before the first and after the last node, on-run-end with dbt's results; a failing
     * hook fails the build, names its index, and on-run-start's failure skips every node.
     */
    @Test
    void onRunStartAndEndRunAroundTheBuild() {
        CompiledProject p = compile(
                "dbt_project.yml",
                """
                        name: compat
                        on-run-start:
                          - "create table if not exists dbtcompat__silver.hook_log (line text)"
                          - "insert into dbtcompat__silver.hook_log values ('start {{ execute }}')"
                        on-run-end: >-
                          insert into dbtcompat__silver.hook_log values
                          {% for r in results %}('{{ r.node.name }} {{ r.status }}'){% if not loop.last %},{% endif %}{% endfor %}
                        """,
                "models/hooked.sql", "{{ config(materialized='table') }} select 1 as id");
        sql(warehouse, "drop table if exists dbtcompat__silver.hook_log");
        List<NodeResult> results = build(roles, p, "", false);
        assertEquals("success", result(results, "on-run-start").status(), results.toString());
        assertEquals("success", result(results, "on-run-end").status(), results.toString());
        assertEquals(List.of(List.of("start true"), List.of("hooked success")), rows(warehouse,
                "select line from dbtcompat__silver.hook_log"));

        CompiledProject failing = compile(
                "dbt_project.yml", """
                        name: compat
                        on-run-start: ["select 1", "select count(*) from pg_catalog.pg_authid"]
                        """,
                "models/hooked.sql", "{{ config(materialized='table') }} select 2 as id");
        results = build(roles, failing, "", false);
        NodeResult start = result(results, "on-run-start");
        assertEquals("error", start.status());
        assertEquals("dbt_project.yml: on-run-start hook 2 failed: permission denied for table pg_authid",
                start.error());
        assertEquals("skipped", result(results, "hooked").status());
        assertEquals(List.of(List.of(1)), rows(warehouse, "select id from dbtcompat__silver.hooked"));
    }

    /**
     * Incremental models' on_schema_change (docs.getdbt.com/docs/build/incremental-models#what-if-the-columns-of-my-
     * incremental-model-change): append_new_columns adds the new columns (old rows null), fail refuses and keeps the
     * table, sync_all_columns adds, drops and retypes; incremental_predicates limit the rows delete+insert replaces
     * (docs.getdbt.com/docs/build/incremental-strategy#about-incremental_predicates).
     */
    @Test
    void onSchemaChangeAndIncrementalPredicates() {
        sql(warehouse, "drop table if exists dbtcompat__silver.osc_grow", "drop table if exists"
                + " dbtcompat__silver.osc_strict", "drop table if exists dbtcompat__silver.osc_synced",
                "drop table if exists dbtcompat__silver.osc_pred");
        String grow = "{{ config(materialized='incremental', unique_key='id', on_schema_change='append_new_columns') }}";
        String strict = "{{ config(materialized='incremental', on_schema_change='fail') }}";
        String synced = "{{ config(materialized='incremental', unique_key='id', on_schema_change='sync_all_columns') }}";
        String pred = "{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert',"
                + " incremental_predicates=['DBT_INTERNAL_DEST.id > 1']) }}";
        List<NodeResult> first = build(roles, compile(
                "models/osc_grow.sql", grow + "select 1 as id, 'a'::text as name",
                "models/osc_strict.sql", strict + "select 1 as id",
                "models/osc_synced.sql", synced + "select 1 as id, 'x'::text as old_col, 1 as num",
                "models/osc_pred.sql", pred + "select g as id, 'v1'::text as v from generate_series(1, 3) g"), "",
                false);
        assertTrue(first.stream().allMatch(NodeResult::ok), first.toString());
        List<NodeResult> second = build(roles, compile(
                "models/osc_grow.sql", grow + "select 2 as id, 'b'::text as name, 10 as extra",
                "models/osc_strict.sql", strict + "select 2 as id, 3 as more",
                "models/osc_synced.sql", synced + "select 2 as id, 2.5::numeric as num",
                "models/osc_pred.sql", pred + "select g as id, 'v2'::text as v from generate_series(1, 3) g"), "",
                false);
        assertEquals("success", result(second, "osc_grow").status(), second.toString());
        assertEquals(List.of(List.of(1, "a", "null"), List.of(2, "b", "10")), rows(warehouse, "select id, name,"
                + " coalesce(extra::text, 'null') from dbtcompat__silver.osc_grow order by id"));
        NodeResult failed = result(second, "osc_strict");
        assertEquals("error", failed.status());
        assertTrue(failed.error().contains("out of sync (new columns [more integer], missing columns [], changed"
                + " types []) and on_schema_change is fail"), failed.error());
        assertEquals(List.of(List.of("id", "integer")), types("osc_strict"));
        assertEquals("success", result(second, "osc_synced").status(), second.toString());
        assertEquals(List.of(List.of("id", "integer"), List.of("num", "numeric")), types("osc_synced"));
        assertEquals(List.of(List.of(1, "1"), List.of(2, "2.5")), rows(warehouse, "select id, num::text from"
                + " dbtcompat__silver.osc_synced order by id"));
        assertEquals(List.of(List.of(1, "v1"), List.of(1, "v2"), List.of(2, "v2"), List.of(3, "v2")), rows(warehouse,
                "select id, v from dbtcompat__silver.osc_pred order by id, v"),
                "row 1 is outside the predicate:"
                        + " kept, and the new one added");
    }

    /** What the namespace's read-only role (the SQL workspace's) gets for {@code sql}: its rows or its error. */
    Object asReader(String sql) {
        try (java.sql.Connection c = roles.openReader(NS);
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet rs = s.executeQuery(sql)) {
            List<Object> out = new java.util.ArrayList<>();
            while (rs.next()) {
                out.add(rs.getObject(1));
            }
            return out;
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
    }

    /**
     * grants (docs.getdbt.com/reference/resource-configs/grants) as dbt-postgres applies them (apply_grants with
     * copy_grants: after the build, the listed grantees missing are granted and the ones no longer listed revoked),
     * by the namespace's own role, which owns the relations; 'reader' is the namespace's read-only role. A table and a
     * view: not readable while not granted, readable once granted, not readable again once the grantee is removed,
     * and a service restart (a new NamespaceRoles making the reader and the schemas again) gives nothing back.
     */
    @Test
    void grantsGiveTheReaderItsRowsAndTakeThemBack() throws Exception {
        roles.ensureReader(NS); // the SQL workspace has been used: the reader reads new tables by default
        String table = "{{ config(materialized='table', grants={'select': %s}) }}\nselect 7 as id";
        String yml = """
                models:
                  - name: granted_view
                    config:
                      grants:
                        select: %s
                """;
        java.util.function.Function<String, List<NodeResult>> buildWith = grantees -> {
            List<NodeResult> results = build(roles, compile("models/granted.sql", table.formatted(grantees),
                    "models/granted_view.sql", "select id + 1 as id from {{ ref('granted') }}",
                    "models/granted.yml", yml.formatted(grantees)), "", false);
            assertTrue(results.stream().allMatch(NodeResult::ok), results.toString());
            return results;
        };
        buildWith.apply("[]");
        assertEquals("ERROR: permission denied for table granted", asReader("select id from"
                + " dbtcompat__silver.granted"), "a table made while the reader reads new tables by default");
        assertEquals("ERROR: permission denied for view granted_view", asReader("select id from"
                + " dbtcompat__silver.granted_view"));

        buildWith.apply("['reader']");
        assertEquals(List.of(7), asReader("select id from dbtcompat__silver.granted"));
        assertEquals(List.of(8), asReader("select id from dbtcompat__silver.granted_view"));
        assertEquals(List.of(List.of("strata_ns_dbtcompat", "strata_nsr_dbtcompat", "SELECT")), rows(TransformStack
                .superuser(),
                "select grantor::text, grantee::text, privilege_type::text from"
                        + " information_schema.role_table_grants where table_schema = 'dbtcompat__silver' and"
                        + " table_name = 'granted' and grantee <> grantor"),
                "granted by the namespace's role, not a superuser");

        buildWith.apply("[]");
        assertEquals("ERROR: permission denied for table granted", asReader("select id from"
                + " dbtcompat__silver.granted"), "revoked when no longer listed");
        assertEquals("ERROR: permission denied for view granted_view", asReader("select id from"
                + " dbtcompat__silver.granted_view"));
        var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        NamespaceRoles restarted = new NamespaceRoles(config.getValue("strata.warehouse.jdbc-url", String.class),
                config.getValue("strata.warehouse.username", String.class), config.getOptionalValue(
                        "strata.warehouse.password", String.class).orElse(""),
                config.getValue(
                        "strata.warehouse.role-key", String.class));
        restarted.ensureReader(NS);
        restarted.ensureSchemas(NS, List.of("silver"));
        assertEquals("ERROR: permission denied for table granted", asReader("select id from"
                + " dbtcompat__silver.granted"), "a restarted service does not grant it again");
    }

    static final String CONSTRAINED_YML = """
            models:
              - name: c_customers
                config: {materialized: table, contract: {enforced: true}}
                columns:
                  - name: id
                    data_type: int
                    constraints: [{type: primary_key}]
              - name: c_orders
                config: {materialized: table, contract: {enforced: true}}
                constraints:
                  - {type: unique, name: c_orders_once, columns: [customer_id, day]}
                  - {type: check, expression: "amount < 1000"}
                columns:
                  - name: id
                    data_type: int
                    constraints: [{type: not_null}, {type: unique}]
                  - name: customer_id
                    data_type: int
                    constraints:
                      - {type: foreign_key, to: "ref('c_customers')", to_columns: [id]}
                  - name: day
                    data_type: int
                  - name: amount
                    data_type: int
                    constraints: [{type: check, expression: "amount > 0"}]
            """;

    /** The constraints of a table in the namespace's silver schema: type and columns, as Postgres records them. */
    List<List<Object>> constraintsOf(String table) {
        return rows(warehouse, "select k.contype::text, (select string_agg(a.attname, ',' order by a.attnum) from"
                + " pg_attribute a where a.attrelid = k.conrelid and a.attnum = any(k.conkey)) from pg_constraint k"
                + " where k.contype <> 'n' and k.conrelid = 'dbtcompat__silver." + table + "'::regclass order by 1, 2");
    }

    /**
     * Model contract constraints (docs.getdbt.com/reference/resource-properties/constraints; dbt-postgres creates the
     * table with them, then inserts, and Postgres enforces all of them): created with the table, kept when it is built
     * again (a named unique constraint and a foreign key to a table that is itself rebuilt), and a row violating any of
     * them fails its model with Postgres's message naming the model, the table as it was.
     */
    @Test
    void constraintsAreCreatedWithTheTableAndStopRowsThatViolateThem() {
        String customers = "select g as id from generate_series(1, 3) g";
        String orders = "select 1 as id, 1 as customer_id, 1 as day, 10 as amount union all select 2, 2, 1, 20";
        for (int run = 1; run <= 2; run++) {
            List<NodeResult> results = build(roles, compile("models/c_customers.sql", customers,
                    "models/c_orders.sql", orders, "models/constrained.yml", CONSTRAINED_YML), "", false);
            assertTrue(results.stream().allMatch(NodeResult::ok), "run " + run + ": " + results);
        }
        assertEquals(List.of(List.of("p", "id")), constraintsOf("c_customers"));
        assertEquals(List.of(List.of("c", "amount"), List.of("c", "amount"), List.of("f", "customer_id"),
                List.of("u", "customer_id,day"), List.of("u", "id")), constraintsOf("c_orders"));
        assertEquals(List.of(List.of("c_orders_once")), rows(warehouse, "select conname::text from pg_constraint where"
                + " conrelid = 'dbtcompat__silver.c_orders'::regclass and contype = 'u' and array_length(conkey, 1) ="
                + " 2"), "the name the yml gives");
        assertEquals(List.of(List.of("NO")), rows(warehouse, "select is_nullable::text from"
                + " information_schema.columns where table_schema = 'dbtcompat__silver' and table_name = 'c_orders'"
                + " and column_name = 'id'"));

        Map<String, String> violations = new LinkedHashMap<>();
        violations.put("select null::int as id, 1 as customer_id, 1 as day, 10 as amount",
                "null value in column \"id\" of relation \"c_orders__strata_tmp\" violates not-null constraint");
        violations.put("select 1 as id, 1 as customer_id, 1 as day, 10 as amount union all select 1, 2, 2, 10",
                "duplicate key value violates unique constraint");
        violations.put("select 1 as id, 1 as customer_id, 1 as day, 10 as amount union all select 2, 1, 1, 10",
                "duplicate key value violates unique constraint \"c_orders_once\"");
        violations.put("select 1 as id, 1 as customer_id, 1 as day, 0 as amount",
                "new row for relation \"c_orders__strata_tmp\" violates check constraint");
        violations.put("select 1 as id, 1 as customer_id, 1 as day, 5000 as amount",
                "new row for relation \"c_orders__strata_tmp\" violates check constraint");
        violations.put("select 1 as id, 9 as customer_id, 1 as day, 10 as amount",
                "insert or update on table \"c_orders__strata_tmp\" violates foreign key constraint");
        violations.forEach((sql, message) -> {
            List<NodeResult> results = build(roles, compile("models/c_customers.sql", customers,
                    "models/c_orders.sql", sql, "models/constrained.yml", CONSTRAINED_YML), "c_orders", false);
            NodeResult failed = result(results, "c_orders");
            assertEquals("error", failed.status(), sql);
            assertTrue(failed.error().startsWith("models/c_orders.sql: model c_orders: a row violates a constraint of"
                    + " its contract: " + message), failed.error());
            assertEquals(List.of(List.of(1, 10), List.of(2, 20)), rows(warehouse, "select id, amount from"
                    + " dbtcompat__silver.c_orders order by id"), "the table as it was");
        });
    }
}
