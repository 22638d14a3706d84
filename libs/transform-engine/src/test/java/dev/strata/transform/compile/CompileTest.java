package dev.strata.transform.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.Selector;
import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.project.ProjectProblem;

/** Compiling without a database: Jinja features, errors with file and line, cycles, selection. */
class CompileTest {

    static final String PROJECT = """
            name: shop
            vars:
              min_amount: 10
            models:
              shop:
                +materialized: view
                staging:
                  +schema: bronze
                  +tags: [staging]
                marts:
                  +materialized: table
                  +schema: gold
            """;

    static final String SOURCES = """
            version: 2
            sources:
              - name: raw
                tables:
                  - name: orders
            """;

    static CompiledProject compile(Map<String, String> files, Map<String, ?> vars) {
        return compile("shop", files, vars);
    }

    static CompiledProject compile(String namespace, Map<String, String> files, Map<String, ?> vars) {
        return SqlCompiler.compile(ProjectLoader.load(ProjectFiles.of(files)), namespace, vars, "silver");
    }

    static Map<String, String> files(String... pathAndText) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", PROJECT);
        files.put("models/sources.yml", SOURCES);
        for (int i = 0; i < pathAndText.length; i += 2) {
            files.put(pathAndText[i], pathAndText[i + 1]);
        }
        return files;
    }

    static ProjectProblem onlyProblem(Map<String, String> files) {
        ProjectException e = assertThrows(ProjectException.class, () -> {
            CompiledProject p = compile(files, Map.of());
            Plan.topologicalOrder(p);
        });
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    @Test
    void everyJinjaFeatureCompiles() {
        CompiledProject p = compile(files(
                "macros/cents.sql", """
                        {% macro to_cents(col) -%}
                            round({{ col }} * 100)::bigint
                        {%- endmacro %}
                        """,
                "models/staging/stg_orders.sql", """
                        {{ config(materialized='table', unique_key='id', tags=['daily']) }}
                        {% set statuses = ['paid', 'shipped'] %}
                        select id, {{ to_cents('amount') }} as cents,
                        {% for s in statuses %}
                          (status = '{{ s }}') as is_{{ s }}{% if not loop.last %},{% endif %}
                        {% endfor %}
                        from {{ source('raw', 'orders') }}
                        where amount >= {{ var('min_amount') }}
                        {% if is_incremental() %} and id > (select max(id) from {{ this }}) {% endif %}
                        """,
                "models/marts/big_orders.sql", """
                        -- {{ doc('orders') }}
                        select * from {{ ref('stg_orders') }} where cents > {{ var('threshold', 500) }}
                        """,
                "models/orders.md", "{% docs orders %}Orders, one row each.{% enddocs %}"), Map.of("min_amount", 20));

        CompiledModel stg = p.model("stg_orders");
        assertEquals("table", stg.materialized(), "config() wins over the folder's +materialized");
        assertEquals("shop__bronze", stg.schema(), "folder +schema, inside the namespace");
        assertEquals(List.of("id"), stg.uniqueKey());
        assertEquals(List.of("staging", "daily"), stg.tags(), "folder tags and config tags add up");
        assertEquals(Set.of("raw.orders"), stg.sources());
        String sql = stg.sql().replaceAll("\\s+", " ");
        assertTrue(sql.contains("round(amount * 100)::bigint as cents"), sql);
        assertTrue(sql.contains("(status = 'paid') as is_paid, (status = 'shipped') as is_shipped"), sql);
        assertTrue(sql.contains("from \"shop__raw\".\"orders\""), sql);
        assertTrue(sql.contains("amount >= 20"), "the build's var wins over the project's: " + sql);
        assertTrue(!sql.contains("max(id)"), "is_incremental() is false at compile time: " + sql);

        String incremental = p.compiler().renderIncremental("stg_orders").replaceAll("\\s+", " ");
        assertTrue(incremental.contains("id > (select max(id) from \"shop__bronze\".\"stg_orders\")"), incremental);

        CompiledModel big = p.model("big_orders");
        assertEquals("shop__gold", big.schema());
        assertEquals(Set.of("stg_orders"), big.refs());
        assertTrue(big.sql().contains("-- Orders, one row each."), big.sql());
        assertTrue(big.sql().contains("from \"shop__bronze\".\"stg_orders\" where cents > 500"), big.sql());
    }

    @Test
    void ephemeralModelsBecomeCtes() {
        CompiledProject p = compile(files(
                "models/base.sql", "{{ config(materialized='ephemeral') }} select 1 as id",
                "models/mid.sql", "{{ config(materialized='ephemeral') }} select id from {{ ref('base') }}",
                "models/top.sql", "select * from {{ ref('mid') }}"), Map.of());
        String sql = p.model("top").sql();
        assertTrue(sql.startsWith("with __strata_cte__base as ("), sql);
        assertTrue(sql.indexOf("__strata_cte__base") < sql.indexOf("__strata_cte__mid as ("), sql);
        assertTrue(sql.contains("select * from __strata_cte__mid"), sql);
    }

    @Test
    void unknownRefIsRefusedWithFileAndLine() {
        ProjectProblem problem = onlyProblem(files("models/orders.sql", "select 1 as id",
                "models/daily.sql", "select *\nfrom {{ ref('ordres') }}"));
        assertEquals("models/daily.sql", problem.file());
        assertEquals(2, problem.line());
        assertTrue(problem.message().contains("ref('ordres') names no model") && problem.message().contains(
                "did you mean 'orders'"), problem.message());
    }

    @Test
    void cycleIsRefusedWithFileAndLine() {
        ProjectProblem problem = onlyProblem(files(
                "models/a.sql", "select * from {{ ref('c') }}",
                "models/b.sql", "select * from {{ ref('a') }}",
                "models/c.sql", "-- c\n\nselect * from {{ ref('b') }}"));
        assertTrue(problem.message().contains("makes a cycle"), problem.message());
        assertTrue(problem.toString().matches("models/[abc]\\.sql:[13]: ref\\('[abc]'\\) makes a cycle: .*"),
                problem.toString());
        assertTrue(problem.message().contains("a → b → c → a") || problem.message().contains("b → c → a → b")
                || problem.message().contains("c → a → b → c"), problem.message());
    }

    @Test
    void jinjaSyntaxErrorIsRefusedWithFileAndLine() {
        ProjectException e = assertThrows(ProjectException.class, () -> compile(files(
                "models/broken.sql", "select 1 as id\n{% if true %}\nfrom x\n"), Map.of()));
        ProjectProblem problem = e.problems().get(0);
        assertEquals("models/broken.sql", problem.file());
        assertTrue(problem.line() >= 2, problem.toString());
        assertTrue(problem.message().startsWith("Jinja: "), problem.message());
    }

    @Test
    void missingSourceIsRefusedWithFileAndLine() {
        ProjectProblem problem = onlyProblem(files("models/x.sql", "select 1\n\nfrom {{ source('raw', 'nope') }}"));
        assertEquals("models/x.sql:3: source('raw', 'nope') is not declared under 'sources:' in any schema.yml",
                problem.toString());
    }

    @Test
    void unknownMaterializationAndMissingVarAreRefused() {
        ProjectException e = assertThrows(ProjectException.class, () -> compile(files(
                "models/x.sql", "{{ config(materialized='snapshotz') }} select {{ var('nope') }}"), Map.of()));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("var('nope') has no value"), e.getMessage());
        assertTrue(e.getMessage().contains("materialized must be view, table, incremental or ephemeral"),
                e.getMessage());
    }

    @Test
    void selection() {
        CompiledProject p = compile(files(
                "models/staging/s1.sql", "select 1 as id",
                "models/staging/s2.sql", "select 2 as id",
                "models/m1.sql", "select * from {{ ref('s1') }}",
                "models/marts/m2.sql", "select * from {{ ref('m1') }} join {{ ref('s2') }} using (id)",
                "models/other.sql", "select 3 as id"), Map.of());
        assertEquals(Set.of("m1"), Selector.select(p, "m1", null));
        assertEquals(Set.of("m1", "s1"), Selector.select(p, "+m1", null));
        assertEquals(Set.of("m1", "m2"), Selector.select(p, "m1+", null));
        assertEquals(Set.of("s1", "s2"), Selector.select(p, "tag:staging", null));
        assertEquals(Set.of("m2"), Selector.select(p, "path:models/marts", null));
        assertEquals(Set.of("s1", "m1", "m2"), Selector.select(p, "s1+", null));
        assertEquals(Set.of("s1", "m2"), Selector.select(p, "s1+ --exclude m1", null));
        assertEquals(Set.of("s2", "m2", "other"), Selector.select(p, "*", "+m1"));
        assertEquals(5, Selector.select(p, "", null).size());
        assertThrows(IllegalArgumentException.class, () -> Selector.select(p, "nothing_like_this", null));

        Plan plan = Plan.of(p, Selector.select(p, "m2 s1", null), false);
        assertEquals(List.of("model.s1", "model.m2"), plan.nodes().stream().map(n -> n.id()).toList());
        assertEquals(Set.of("model.s1"), plan.nodes().get(1).dependsOn(), "m2 waits for s1 through unselected m1");
    }

    @Test
    void testsCompileToQueries() {
        CompiledProject p = compile(files(
                "models/customers.sql", "select 1 as id",
                "models/orders.sql", "select 1 as id, 1 as customer_id, 'paid' as status",
                "models/schema.yml", """
                        version: 2
                        models:
                          - name: orders
                            columns:
                              - name: id
                                tests: [unique, not_null]
                              - name: status
                                tests:
                                  - accepted_values:
                                      values: ['paid', 'open']
                                      config: {severity: warn}
                              - name: customer_id
                                tests:
                                  - relationships: {to: "ref('customers')", field: id}
                                  - positive
                        """,
                "tests/generic/positive.sql", """
                        {% test positive(model, column_name) %}
                        select * from {{ model }} where {{ column_name }} <= 0
                        {% endtest %}
                        """,
                "tests/no_orphans.sql", "select * from {{ ref('orders') }} where customer_id is null"), Map.of());
        Map<String, CompiledTest> tests = new LinkedHashMap<>();
        p.tests().forEach(t -> tests.put(t.test().id(), t));
        assertEquals(Set.of("unique_orders_id", "not_null_orders_id", "accepted_values_orders_status",
                "relationships_orders_customer_id", "positive_orders_customer_id", "no_orphans"), tests.keySet());
        assertEquals("warn", tests.get("accepted_values_orders_status").test().severity());
        assertEquals(Set.of("orders", "customers"), tests.get("relationships_orders_customer_id").refs());
        assertTrue(tests.get("positive_orders_customer_id").sql().contains(
                "select * from \"shop__silver\".\"orders\" where customer_id <= 0"),
                tests.get("positive_orders_customer_id")
                        .sql());
        assertEquals("orders", tests.get("no_orphans").attachedTo());
    }

    @Test
    void aLargeProjectCompilesOnSeveralThreadsWithItsProblemsInFileOrder() {
        // 400 models are rendered by several threads at once; each uses a macro, a var, ref and is_incremental()
        String[] files = new String[2 * 400 + 2];
        files[0] = "macros/cents.sql";
        files[1] = "{% macro to_cents(col) -%} round({{ col }} * 100)::bigint {%- endmacro %}";
        for (int i = 0; i < 400; i++) {
            String sql = i == 0
                    ? "select 1 as id, 2.5 as amount"
                    : "select id, {{ to_cents('amount') }} as cents_" + i + ", {{ var('min_amount') }} as floor\n"
                            + "from {{ ref('m" + (i - 1) + "') }}{% if is_incremental() %} where false{% endif %}";
            if (i == 150 || i == 320) {
                sql = "select *\nfrom {{ ref('nowhere_" + i + "') }}";
            }
            files[2 + 2 * i] = "models/m" + i + ".sql";
            files[3 + 2 * i] = sql;
        }
        ProjectException e = assertThrows(ProjectException.class, () -> compile(files(files), Map.of()));
        assertEquals(List.of("models/m150.sql:2", "models/m320.sql:2"), e.problems().stream()
                .map(p -> p.file() + ":" + p.line()).toList(), e.getMessage());

        files[303] = "select id, {{ to_cents('amount') }} as cents_150, {{ var('min_amount') }} as floor\n"
                + "from {{ ref('m149') }}";
        files[643] = "select id from {{ ref('m319') }}";
        CompiledProject p = compile(files(files), Map.of());
        assertEquals(400, p.models().size());
        assertEquals("select id, round(amount * 100)::bigint as cents_399, 10 as floor\nfrom \"shop__silver\".\"m398\"",
                p.model("m399").sql());
        assertEquals(Set.of("m149"), p.model("m150").refs());
        assertEquals(400, Plan.topologicalOrder(p).size());
        assertEquals("m399", Plan.topologicalOrder(p).get(399));
    }

    @Test
    void aSnapshotWithoutItsSettingsIsRefusedWithFileAndLine() {
        ProjectProblem problem = onlyProblem(files("snapshots/customers.sql", """
                -- customers over time
                {% snapshot customers_history %}
                {{ config(target_schema='gold', strategy='timestamp', updated_at='updated_at') }}
                select * from {{ source('raw', 'orders') }}
                {% endsnapshot %}
                """));
        assertEquals("snapshots/customers.sql", problem.file());
        assertEquals(3, problem.line(), "the line of its config()");
        assertEquals("snapshot customers_history needs a unique_key", problem.message());

        CompiledProject p = compile(files("snapshots/customers.sql", """
                {% snapshot customers_history %}
                {{ config(target_schema='gold', unique_key='id', strategy='check', check_cols='all') }}
                select * from {{ source('raw', 'orders') }}
                {% endsnapshot %}
                """), Map.of());
        assertEquals("snapshot", p.model("customers_history").materialized());
        assertEquals("\"shop__gold\".\"customers_history\"", p.model("customers_history").relation());
        assertEquals(List.of("id"), p.model("customers_history").uniqueKey());
    }

    @Test
    void everySchemaResolvesInsideTheNamespace() {
        Map<String, String> files = files(
                "seeds/countries.csv", "code\nFR\n",
                "models/staging/stg_orders.sql", "select * from {{ source('raw', 'orders') }}",
                "models/marts/totals.sql", "{{ config(alias='order_totals') }}\nselect * from {{ ref('stg_orders') }}"
                        + " join {{ ref('countries') }} on true",
                "models/custom.sql", "{{ config(schema='Finance_Marts') }}\nselect '{{ this.schema }}' as s",
                "snapshots/snap.sql", """
                        {% snapshot snap %}
                        {{ config(target_schema='history', unique_key='id', strategy='check', check_cols='all') }}
                        select * from {{ ref('stg_orders') }}
                        {% endsnapshot %}
                        """);
        CompiledProject a = compile("team-a", files, Map.of());
        CompiledProject b = compile("team-b", files, Map.of());

        assertEquals("\"team_a__silver\".\"countries\"", a.model("countries").relation(), "seeds");
        assertEquals("\"team_a__bronze\".\"stg_orders\"", a.model("stg_orders").relation());
        assertTrue(a.model("stg_orders").sql().contains("from \"team_a__raw\".\"orders\""), "sources: "
                + a.model("stg_orders").sql());
        assertEquals("\"team_a__gold\".\"order_totals\"", a.model("totals").relation(),
                "alias names the table, the schema stays the namespace's");
        assertTrue(a.model("totals").sql().contains("\"team_a__bronze\".\"stg_orders\"") && a.model("totals").sql()
                .contains("\"team_a__silver\".\"countries\""), "refs: " + a.model("totals").sql());
        assertEquals("team_a__finance_marts", a.model("custom").schema(), "custom schemas, in lower case");
        assertTrue(a.model("custom").sql().contains("team_a__finance_marts"),
                "this.schema: " + a.model("custom").sql());
        assertEquals("\"team_a__history\".\"snap\"", a.model("snap").relation(), "a snapshot's target_schema");
        assertEquals(Set.of("silver", "bronze", "gold", "finance_marts", "history", "quarantine"), a
                .writtenSchemas());

        assertEquals("\"team_b__gold\".\"order_totals\"", b.model("totals").relation());
        assertTrue(b.model("stg_orders").sql().contains("from \"team_b__raw\".\"orders\""));
        assertEquals("team-b", b.namespace());
    }

    @Test
    void aProjectsGenerateSchemaNameMacroResolvesInsideTheNamespace() {
        CompiledProject p = compile("sales-eu", files(
                "macros/schemas.sql", """
                        {% macro generate_schema_name(custom_schema_name, node) -%}
                          {%- if custom_schema_name is none -%}{{ target.schema }}_{{ node.name }}
                          {%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
                        {%- endmacro %}
                        """,
                "models/staging/stg_orders.sql", "select * from {{ source('raw', 'orders') }}",
                "models/plain.sql", "select * from {{ ref('stg_orders') }}"), Map.of());
        assertEquals("sales_eu__silver_bronze", p.model("stg_orders").schema());
        assertEquals("sales_eu__silver_plain", p.model("plain").schema());
        assertTrue(p.model("plain").sql().contains("\"sales_eu__silver_bronze\".\"stg_orders\""), p.model("plain")
                .sql());
        assertTrue(p.model("stg_orders").sql().contains("\"sales_eu__raw\".\"orders\""), "sources do not use it");
    }

    @Test
    void anUnusableSchemaNameIsRefusedWithFileAndLine() {
        ProjectProblem model = onlyProblem(files("models/x.sql", "select 1 as a\n{{ config(schema='team_b.silver') }}"
                + "\nselect 1"));
        assertEquals("models/x.sql", model.file());
        assertEquals(2, model.line());
        assertTrue(model.message().startsWith("model x: schema 'team_b.silver' is not valid: use lower-case letters,"),
                model.message());

        ProjectProblem source = onlyProblem(Map.of("dbt_project.yml", "name: shop\n", "models/sources.yml", """
                version: 2
                sources:
                  - name: raw
                    schema: "raw; drop table x"
                    tables:
                      - name: orders
                """));
        assertEquals("models/sources.yml", source.file());
        assertEquals(4, source.line());
        assertTrue(source.message().startsWith("source 'raw': schema 'raw; drop table x' is not valid"),
                source.message());

        ProjectProblem macro = onlyProblem(files("macros/schemas.sql", """
                {% macro generate_schema_name(custom_schema_name, node) -%}
                  other"schema
                {%- endmacro %}
                """, "models/y.sql", "select 1"));
        assertEquals("models/y.sql", macro.file());
        assertTrue(macro.message().contains("schema 'other\"schema' is not valid"), macro.message());
    }
}
