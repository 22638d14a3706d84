package dev.strata.transform.compile;

import static dev.strata.transform.compile.CompileTest.compile;
import static dev.strata.transform.compile.CompileTest.files;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.project.ProjectProblem;

/**
 * dbt projects compile as dbt-core 1.11 with dbt-postgres compiles them; the expected SQL is written from dbt's
 * documentation and source (cited per test). What Strata does not support is refused with file, line and a sentence.
 */
class DbtCompatibilityTest {

    static String sql(CompiledProject p, String model) {
        return p.model(model).sql().replaceAll("\\s+", " ").strip();
    }

    static ProjectException refused(Map<String, String> files) {
        return assertThrows(ProjectException.class, () -> compile(files, Map.of()));
    }

    static ProjectProblem only(ProjectException e) {
        assertEquals(1, e.problems().size(), e.getMessage());
        return e.problems().get(0);
    }

    /** {{ return(x) }} makes the macro's value x, a list here (docs.getdbt.com/reference/dbt-jinja-functions/return). */
    @Test
    void returnGivesTheMacroItsValue() {
        CompiledProject p = compile(files(
                "macros/cols.sql", """
                        {% macro payment_methods() %}
                          {{ return(['card', 'cash']) }}
                        {% endmacro %}
                        """,
                "models/pivot.sql",
                """
                        select
                        {% for m in payment_methods() %}sum(case when method = '{{ m }}' then amount end) as {{ m }}_amount{% if not loop.last %}, {% endif %}{% endfor %}
                        from {{ source('raw', 'orders') }}
                        """),
                Map.of());
        assertEquals("select sum(case when method = 'card' then amount end) as card_amount, sum(case when method ="
                + " 'cash' then amount end) as cash_amount from \"shop__raw\".\"orders\"", sql(p, "pivot"));
    }

    /**
     * adapter.dispatch: search order root project then the namespace, postgres__ before default__ (dbt-core
     * context/providers.py BaseDatabaseWrapper.dispatch); dispatch: search_order in dbt_project.yml changes it.
     */
    @Test
    void dispatchSearchesTheProjectThenThePackagePostgresFirst() {
        Map<String, String> files = files(
                "dbt_packages/pkg/dbt_project.yml", "name: pkg\n",
                "dbt_packages/pkg/macros/greet.sql", """
                        {% macro greet(who) -%}
                          {{ return(adapter.dispatch('greet', 'pkg') (who,)) }}
                        {%- endmacro %}
                        {% macro default__greet(who) %}'pkg default {{ who }}'{% endmacro %}
                        {% macro postgres__greet(who) %}'pkg postgres {{ who }}'{% endmacro %}
                        """,
                "macros/greet.sql", "{% macro default__greet(who) %}'shop default {{ who }}'{% endmacro %}",
                "models/hello.sql", "select {{ pkg.greet('ann') }} as g, {{ greet('bob') }} as h");
        CompiledProject p = compile(files, Map.of());
        assertEquals("select 'shop default ann' as g, 'shop default bob' as h", sql(p, "hello"),
                "the root project's default__ wins over the package's postgres__");

        files.put("dbt_project.yml", CompileTest.PROJECT + "dispatch:\n  - macro_namespace: pkg\n    search_order:"
                + " ['pkg', 'shop']\n");
        assertEquals("select 'pkg postgres ann' as g, 'pkg postgres bob' as h", sql(compile(files, Map.of()),
                "hello"));
    }

    /**
     * dbt's cross-database macros (docs.getdbt.com/reference/dbt-jinja-functions/cross-database-macros) render as SQL for
     * Postgres, called as dbt.x(...) or x(...); DbtCompatibilityEngineTest checks what that SQL returns.
     */
    @Test
    void crossDatabaseMacrosRenderAsDbtPostgres() {
        CompiledProject p = compile(files("models/x.sql", """
                select {{ dbt.date_trunc('day', 'created_at') }} as d,
                  {{ dbt.dateadd('day', 3, 'created_at') }} as plus3,
                  {{ dbt.datediff('a', 'b', 'day') }} as days,
                  {{ dbt.current_timestamp() }} as now_ts,
                  {{ dbt.safe_cast('amount', api.Column.translate_type('string')) }} as amount_text,
                  {{ dbt.hash('id') }} as h,
                  {{ dbt.concat(['a', "'-'", 'b']) }} as ab,
                  {{ dbt.split_part('s', "','", 2) }} as part,
                  cast(1 as {{ dbt.type_string() }}) as t, cast(1 as {{ type_int() }}) as i,
                  cast(1 as {{ dbt.type_numeric() }}) as n
                """), Map.of());
        String sql = sql(p, "x");
        assertTrue(sql.contains("date_trunc('day', created_at) as d"), sql);
        assertTrue(sql.contains("(created_at + (3) * interval '1 day') as plus3"), sql);
        assertTrue(sql.contains("((b)::date - (a)::date) as days"), sql);
        assertTrue(sql.contains("now() as now_ts"), sql);
        assertTrue(sql.contains("cast(amount as TEXT) as amount_text"), sql);
        assertTrue(sql.contains("md5(cast(id as TEXT)) as h"), sql);
        assertTrue(sql.contains("(a || '-' || b) as ab"), sql);
        assertTrue(sql.contains("split_part(s, ',', 2) as part"), sql);
        assertTrue(sql.contains("cast(1 as TEXT) as t, cast(1 as integer) as i, cast(1 as numeric(28,6)) as n"), sql);
    }

    /** A trailing comma in a call, as dbt's snapshot docs write config(...). */
    @Test
    void trailingCommasAreJinja2() {
        CompiledProject p = compile(files("models/x.sql", """
                {{ config(materialized='table', tags=['a', 'b',],) }}
                select {{ [1, 2,] | length }} as n
                """), Map.of());
        assertEquals("table", p.model("x").materialized());
        assertEquals(List.of("a", "b"), p.model("x").tags());
        assertEquals("select 2 as n", sql(p, "x"));
    }

    @Test
    void envVarReadsTheConfiguredValueOrTheDefault() {
        Map<String, String> files = files("models/x.sql",
                "select '{{ env_var('REGION', 'eu') }}' as r, '{{ env_var('TEAM') }}' as t");
        CompiledProject p = SqlCompiler.compile(ProjectLoader.load(ProjectFiles.of(files)), "shop", Map.of(),
                "silver", new CompileLimits(CompileLimits.DEFAULTS.budget(), 20, 1 << 20, Map.of("TEAM", "data")));
        assertEquals("select 'eu' as r, 'data' as t", sql(p, "x"));

        ProjectProblem missing = only(refused(files));
        assertEquals("models/x.sql", missing.file());
        assertTrue(missing.message().startsWith("env_var('TEAM') has no value: set strata.transform.env.TEAM"),
                missing.message());

        ProjectProblem secret = only(refused(files("models/y.sql", "select '{{ env_var('DBT_ENV_SECRET_KEY', 'x')"
                + " }}'")));
        assertTrue(secret.message().contains("a DBT_ENV_SECRET_ value may not be used"), secret.message());
    }

    /**
     * dbt's base context functions (dbt-core context/base.py): fromjson / fromyaml (default when it does not parse),
     * toyaml (yaml.safe_dump, block style), zip (list(zip(...))), set, modules.itertools.
     */
    @Test
    void jsonYamlZipSetAndItertoolsAreDbts() {
        CompiledProject p = compile(
                files("models/x.sql",
                        """
                                {% set j = fromjson('{"a": [1, 2], "b": "x"}') %}
                                {% set y = fromyaml('k: [1, 2]\nname: v') %}
                                select {{ j['a'][1] }} as a2, '{{ j.b }}' as b, {{ y['k'] | length }} as klen, '{{ y.name }}' as yname,
                                  '{{ toyaml({'a': 1, 'b': [1, 2]}) | replace('\n', '|') }}' as yml, {{ fromjson('no json', 0) }} as bad,
                                  {{ fromyaml('[unclosed', 7) }} as bad_yaml, '{{ tojson(fromjson('{"b": 1, "a": [true, null]}')) }}' as js,
                                  '{% for p in zip(['x', 'y'], [1, 2, 3]) %}{{ p[0] }}{{ p[1] }}{% endfor %}' as zipped,
                                  {{ set([1, 2, 2, 3]) | length }} as distinct_n, {{ 2 in set([1, 2]) }} as has2,
                                  '{% for t in modules.itertools.product(['a', 'b'], [1, 2]) %}{{ t | join }} {% endfor %}' as prod,
                                  '{% for c in modules.itertools.combinations(['a', 'b', 'c'], 2) %}{{ c | join }} {% endfor %}' as comb,
                                  '{{ modules.itertools.chain([1], [2, 3]) | join(',') }}' as chained
                                """),
                Map.of());
        assertEquals("select 2 as a2, 'x' as b, 2 as klen, 'v' as yname, 'a: 1|b:|- 1|- 2|' as yml, 0 as bad,"
                + " 7 as bad_yaml, '{\"b\": 1, \"a\": [true, null]}' as js, 'x1y2' as zipped, 3 as distinct_n,"
                + " true as has2, 'a1 a2 b1 b2 ' as prod, 'ab ac bc ' as comb, '1,2,3' as chained", sql(p, "x"));
    }

    /** on-run-start / on-run-end are compiled at push (execute false); a broken hook is refused with its index. */
    @Test
    void runHooksAreCompiledAtPush() {
        Map<String, String> files = files("models/x.sql", "select 1 as id");
        files.put("dbt_project.yml", CompileTest.PROJECT + """
                on-run-start:
                  - "select 1"
                  - "select {{ exceptions.raise_compiler_error('no grants here') }}"
                """);
        ProjectProblem problem = only(refused(files));
        assertEquals("dbt_project.yml", problem.file());
        assertTrue(problem.message().startsWith("on-run-start hook 2: ")
                && problem.message().contains("no grants here"), problem.message());
    }

    /**
     * dbt's graph context variable (docs.getdbt.com/reference/dbt-jinja-functions/graph): graph.nodes by unique_id
     * with resource_type, name, config and depends_on.nodes, as the usual selectattr loops read it.
     */
    @Test
    void graphListsTheProjectsNodes() {
        CompiledProject p = compile(files(
                "seeds/countries.csv", "code\nde\n",
                "models/staging/stg_orders.sql", "select * from {{ source('raw', 'orders') }}",
                "models/marts/orders.sql", "select * from {{ ref('stg_orders') }} join {{ ref('countries') }} on true",
                "models/report.sql",
                """
                        {%- set out = [] -%}
                        {%- for node in graph.nodes.values() | selectattr('resource_type', 'equalto', 'model') -%}
                          {%- set deps = node.depends_on.nodes | join('+') -%}
                          {%- do out.append(node.name ~ ':' ~ node.config.materialized ~ ':' ~ deps) -%}
                        {%- endfor -%}
                        select '{{ out | sort | join(' ') }}' as models,
                          {{ graph.nodes.values() | selectattr('resource_type', 'equalto', 'seed') | list | length }} as seeds,
                          '{{ graph.nodes['model.shop.orders'].unique_id }}' as id
                        """),
                Map.of());
        assertEquals("select 'orders:table:model.shop.stg_orders+seed.shop.countries report:view:"
                + " stg_orders:view:source.shop.raw.orders' as models, 1 as seeds, 'model.shop.orders' as id",
                sql(p, "report"));
    }

    /** dbt_utils.x(...) without the package, modules.pytz: refused with line and column, never rendered as nothing. */
    @Test
    void unknownPackageCallsAreRefusedWithLineAndColumn() {
        ProjectException e = refused(files("models/x.sql", """
                select
                  {{ dbt_utils.generate_surrogate_key(['a', 'b']) }} as k,
                  '{{ modules.pytz.timezone('UTC') }}' as tz
                """));
        assertEquals(2, e.problems().size(), e.getMessage());
        assertEquals("models/x.sql:2: column 6: 'dbt_utils' is undefined, so dbt_utils.generate_surrogate_key(...)"
                + " cannot be called: is it a package? Vendor it (dbt deps) into dbt_packages/dbt_utils/ in the"
                + " project you push", e.problems().get(0).toString());
        assertEquals("models/x.sql:3: column 7: modules.pytz is not available (Strata has modules.datetime,"
                + " modules.re, modules.itertools)", e.problems().get(1).toString());

        ProjectProblem member = only(refused(files("models/y.sql", "select {{ dbt.no_such_macro('x') }}")));
        assertEquals("models/y.sql", member.file());
        assertTrue(member.message().contains("no_such_macro"), member.message());
    }

    @Test
    void modulesDatetimeAndRe() {
        CompiledProject p = compile(files("models/x.sql", """
                select '{{ modules.datetime.date(2024, 2, 29).strftime('%Y%m%d') }}' as d,
                  {{ modules.re.search('^a', 'abc') }} as m
                """), Map.of());
        assertEquals("select '20240229' as d, true as m", sql(p, "x"));
    }

    /** config(enabled=false): not built; a ref() to it is refused (dbt: "depends on a node ... which is disabled"). */
    @Test
    void disabledModelIsSkippedAndItsRefsRefused() {
        CompiledProject p = compile(files("models/old.sql", "{{ config(enabled=false) }} select 1 as id",
                "models/new.sql", "select 2 as id"), Map.of());
        assertEquals(null, p.model("old"));
        ProjectProblem problem = only(refused(files("models/old.sql", "{{ config(enabled=false) }} select 1 as id",
                "models/uses.sql", "select *\nfrom {{ ref('old') }}")));
        assertEquals("models/uses.sql:2: ref('old') names a disabled model or seed (enabled=false in"
                + " models/old.sql)", problem.toString());
    }

    @Test
    void unsupportedResourcesAreRefusedNotDropped() {
        ProjectException e = assertThrows(ProjectException.class, () -> ProjectLoader.load(ProjectFiles.of(files(
                "models/x.sql", "select 1 as id",
                "models/unit.yml", """
                        unit_tests:
                          - name: t
                            model: x
                            given:
                              - input: ref('y')
                                format: sql
                                rows: select 1 as id
                            expect:
                              rows: [{id: 1}]
                        semantic_models:
                          - name: s
                        """))));
        assertEquals(List.of("models/unit.yml:10: 'semantic_models:' is not supported by"
                + " Strata yet; remove it from the project you push (it would not run)",
                "models/unit.yml:6: unit test t, input ref('y'): 'format: sql' is not supported by Strata yet; give"
                        + " the rows as dict or csv"),
                e.problems().stream().map(ProjectProblem::toString).toList());
    }

    /** {{ source('raw','orders') } — an unclosed expression — is refused at push. */
    @Test
    void unclosedExpressionIsRefused() {
        ProjectException e = refused(files("models/x.sql", "select *\nfrom {{ source('raw','orders') }\n"));
        ProjectProblem problem = e.problems().get(0);
        assertEquals("models/x.sql", problem.file());
        assertEquals(2, problem.line(), problem.toString());
    }

    /** An error inside a macro names the macro's file and its line there, not the calling model's file. */
    @Test
    void errorInsideAMacroNamesTheMacrosFile() {
        ProjectException e = refused(files(
                "macros/helpers.sql", "{% macro helper() %}\n\n  {{ ref('nope') }}\n{% endmacro %}",
                "models/x.sql", "-- x\nselect {{ helper() }}"));
        ProjectProblem problem = only(e);
        assertEquals("macros/helpers.sql", problem.file(), problem.toString());
        assertEquals(3, problem.line(), problem.toString());

        ProjectProblem raised = only(refused(files(
                "macros/check.sql", "{% macro check() %}\n  {{ exceptions.raise_compiler_error('bad input') }}\n"
                        + "{% endmacro %}",
                "models/y.sql", "select {{ check() }}")));
        assertEquals("macros/check.sql", raised.file(), raised.toString());
        assertTrue(raised.message().contains("Compilation Error: bad input"), raised.message());
    }

    /** run_query / statement do not run when the project is compiled: execute is false (dbt's parse phase). */
    @Test
    void runQueryIsNotRunAtCompileTime() {
        CompiledProject p = compile(files("models/x.sql", """
                {% set r = run_query('select 1') %}
                {% if execute %}{% set n = r.columns[0].values()[0] %}{% else %}{% set n = 0 %}{% endif %}
                select {{ n }} as n
                """), Map.of());
        assertEquals("select 0 as n", sql(p, "x"));
        assertTrue(p.compiler().runsQueries("x"));
    }

    /**
     * Jinja2's |tojson filter sorts keys and writes Python's separators (jinja2 utils.htmlsafe_json_dumps with
     * policies json.dumps_kwargs = {"sort_keys": True}); dbt's tojson() function is json.dumps without sorting.
     */
    @Test
    void tojsonSpacingIsPythons() {
        CompiledProject p = compile(files("models/x.sql", """
                {% set d = {'b': [1, 2], 'a': 'x<y'} %}
                select '{{ d | tojson }}' as f, '{{ tojson(d) }}' as g
                """), Map.of());
        assertEquals("select '{\"a\": \"x\\u003cy\", \"b\": [1, 2]}' as f, '{\"b\": [1, 2], \"a\": \"x<y\"}' as g",
                sql(p, "x"));
    }

    /** config.get() reads the model's config beside config(...) (docs.getdbt.com/reference/dbt-jinja-functions/config). */
    @Test
    void configGetReadsTheModelsConfig() {
        CompiledProject p = compile(files("models/staging/x.sql", """
                {{ config(materialized='table') }}
                select '{{ config.get('materialized') }}' as m, '{{ config.get('schema') }}' as s,
                  '{{ config.get('nope', 'dflt') }}' as d
                """), Map.of());
        assertEquals("select 'table' as m, 'bronze' as s, 'dflt' as d", sql(p, "x"));
    }

    /** A config Strata does not run is refused with its line, never ignored. */
    @Test
    void unsupportedOrUnknownConfigsAreRefused() {
        ProjectException e = refused(files("models/x.sql", """
                {{ config(materialized='incremental',
                          indexes=[{'columns': ['id']}],
                          materialised='table') }}
                select 1 as id
                """));
        assertEquals(List.of("models/x.sql:2: x: config 'indexes' is not supported by Strata yet: 'indexes' is not"
                + " run yet",
                "models/x.sql:3: x: config"
                        + " 'materialised' is not a dbt config Strata knows; remove it or check its spelling"),
                e.problems().stream().map(ProjectProblem::toString).toList());
    }

    /**
     * A unit test must give every relation its model reads (dbt: "Include all ref or source model references in the
     * unit test configuration as inputs", docs.getdbt.com/reference/resource-properties/unit-tests); its expect needs
     * rows; a fixture is a csv file under tests/fixtures.
     */
    static final String B_READS_A_AND_ORDERS = "select a.id from {{ ref('a') }} as a join {{ source('raw',"
            + " 'orders') }} as o on true";
    static final String B_WITHOUT_INPUTS = """
            unit_tests:
              - name: b_without_inputs
                model: b
                given: []
                expect:
                  rows: [{id: 1}]
            """;

    @Test
    void unitTestsRefuseMissingInputsAndFixtures() {
        ProjectException e = refused(files(
                "models/a.sql", "select 1 as id", "models/b.sql", B_READS_A_AND_ORDERS,
                "models/unit.yml", B_WITHOUT_INPUTS + """
                          - name: b_with_a_missing_fixture
                            model: b
                            given:
                              - input: ref('a')
                                format: csv
                                fixture: nowhere
                            expect: {rows: []}
                          - name: no_such_model
                            model: c
                            expect: {rows: []}
                        """));
        assertEquals(List.of("models/unit.yml:12: unit test b_with_a_missing_fixture, input ref('a'): fixture"
                + " 'nowhere' is not a file tests/fixtures/nowhere.csv",
                "models/unit.yml:14: unit test no_such_model: 'model: c' names no model of this project"),
                e.problems().stream().map(ProjectProblem::toString).toList());

        e = refused(files(
                "models/a.sql", "select 1 as id", "models/b.sql", B_READS_A_AND_ORDERS,
                "models/unit.yml", B_WITHOUT_INPUTS));
        assertEquals(List.of("models/unit.yml:2: unit test b_without_inputs of model b: the model reads ref('a')"
                + " (models/b.sql line 1); give it as an input: 'given: - input: ref('a')'",
                "models/unit.yml:2: unit test b_without_inputs of model b: the model reads source('raw', 'orders');"
                        + " give it as an input"),
                e.problems().stream().map(ProjectProblem::toString).toList());
    }

    /** An enforced contract needs every column with a data_type (docs.getdbt.com/reference/resource-configs/contract). */
    @Test
    void anEnforcedContractNeedsDataTypes() {
        ProjectException e = refused(files(
                "models/a.sql", "{{ config(contract={'enforced': true}) }}\nselect 1 as id, 2 as n",
                "models/a.yml", """
                        models:
                          - name: a
                            columns:
                              - {name: id, data_type: int}
                              - {name: n}
                        """));
        assertEquals(List.of("models/a.sql:1: a: its contract is enforced but column 'n' has no data_type in its yml"),
                e.problems().stream().map(ProjectProblem::toString).toList());
    }

    /**
     * grants (docs.getdbt.com/reference/resource-configs/grants) from config(), a yml and dbt_project.yml, '+select'
     * adding to the folder's grantees as dbt does; a grantee is a role Strata manages in the namespace ('reader', its
     * read-only role), anything else is refused where it is written, with its value.
     */
    @Test
    void grantsNameTheNamespacesManagedRolesOnly() {
        Map<String, String> files = files(
                "models/a.sql", "{{ config(materialized='table', grants={'select': ['reader']}) }}\nselect 1 as id",
                "models/b.sql", "select 1 as id",
                "models/c.sql", "{{ config(grants={'+select': ['Reader']}) }}\nselect 1 as id",
                "models/b.yml", """
                        models:
                          - name: b
                            config:
                              grants: {select: []}
                        """);
        files.put("dbt_project.yml", CompileTest.PROJECT + "    +grants: {select: [reader]}\n");
        CompiledProject p = compile(files, Map.of());
        assertEquals(Map.of("select", List.of("strata_nsr_shop")), DbtGrants.resolve(p.model("a").config(), "shop"));
        assertEquals(Map.of("select", List.of()), DbtGrants.resolve(p.model("b").config(), "shop"));
        assertEquals(Map.of("select", List.of("strata_nsr_shop")), DbtGrants.resolve(p.model("c").config(), "shop"));

        ProjectException e = refused(files(
                "models/a.sql", "{{ config(grants={'select': ['reader', 'public']}) }}\nselect 1 as id",
                "models/b.sql", "select 1 as id",
                "models/b.yml", """
                        models:
                          - name: b
                            config:
                              grants:
                                select: [strata_ns_other]
                                insert: [reader]
                        """,
                "models/c.sql", "{{ config(grants={'select': ['postgres', 'strata_nsr_shop']}) }}\nselect 1 as id"));
        String allowed = "; the grantees a project may name are: 'reader' (the namespace's read-only role,"
                + " strata_nsr_shop, which the SQL workspace reads as)";
        assertEquals(List.of(
                "models/a.sql:1: column 41: a: grants select: 'public' is PUBLIC, every role of the warehouse (other"
                        + " namespaces' too)" + allowed,
                "models/b.yml:5: column 18: b: grants select: 'strata_ns_other' is another namespace's role (a"
                        + " relation is shared with another namespace by a Strata share, not by grants)" + allowed,
                "models/b.yml:6: column 18: b: grants insert: 'reader' is read-only: it may be given select, not"
                        + " insert",
                "models/c.sql:1: column 31: c: grants select: 'postgres' is not a role that Strata manages in"
                        + " namespace 'shop' (a superuser, a role made outside Strata or another namespace's role"
                        + " cannot be granted to)" + allowed,
                "models/c.sql:1: column 43: c: grants select: 'strata_nsr_shop' is the namespace's read-only role by"
                        + " its Postgres name; write 'reader', the same in every namespace the project is built in"
                        + allowed),
                e.problems().stream().map(ProjectProblem::toString).toList());
    }

    /**
     * Model contract constraints (docs.getdbt.com/reference/resource-properties/constraints) rendered as dbt-adapters'
     * render_column_constraint / render_model_constraint into the create table of a contracted table; a foreign key's
     * to: ref() is built first; without an enforced contract none is created (dbt); on a view one is refused unless
     * warn_unsupported is false (dbt warns and ignores it).
     */
    @Test
    void constraintsOfAnEnforcedContractMakeTheTable() {
        Map<String, String> files = files(
                "models/customers.sql", "select 1 as id",
                "models/orders.sql", "select 1 as id, 1 as customer_id, 5 as amount",
                "models/loose.sql", "select 1 as id",
                "models/quiet_view.sql", "select 1 as id",
                "models/contracts.yml", """
                        models:
                          - name: customers
                            config: {materialized: table, contract: {enforced: true}}
                            columns:
                              - name: id
                                data_type: int
                                constraints:
                                  - type: primary_key
                          - name: orders
                            config: {materialized: incremental, contract: {enforced: true}}
                            constraints:
                              - type: unique
                                name: orders_one_per_customer
                                columns: [id, customer_id]
                              - type: check
                                expression: "amount < 1000"
                            columns:
                              - name: id
                                data_type: int
                                constraints:
                                  - type: not_null
                                  - type: check
                                    expression: "id > 0"
                              - name: customer_id
                                data_type: int
                                constraints:
                                  - type: foreign_key
                                    to: ref('customers')
                                    to_columns: [id]
                              - name: amount
                                data_type: numeric(10, 2)
                          - name: loose
                            config: {materialized: table}
                            columns:
                              - name: id
                                constraints: [{type: not_null}]
                          - name: quiet_view
                            config: {contract: {enforced: true}}
                            columns:
                              - name: id
                                data_type: int
                                constraints: [{type: not_null, warn_unsupported: false}]
                        """);
        CompiledProject p = compile(files, Map.of());
        assertEquals(List.of("\"id\" int primary key"), p.compiler().tableElements("customers"));
        assertEquals(List.of("\"id\" int not null check (id > 0)",
                "\"customer_id\" int references \"shop__silver\".\"customers\" (id)", "\"amount\" numeric(10, 2)",
                "constraint orders_one_per_customer unique (id, customer_id)", "check (amount < 1000)"),
                p.compiler().tableElements("orders"));
        assertEquals(List.of("orders_one_per_customer"), p.compiler().constraintIndexNames("orders"));
        assertTrue(p.model("orders").refs().contains("customers"), "the foreign key's parent is built first");
        assertEquals(List.of(), p.compiler().tableElements("loose"), "no enforced contract: no constraint (dbt)");
        assertEquals(List.of(), p.compiler().tableElements("quiet_view"));

        ProjectException e = refused(files(
                "models/v.sql", "select 1 as id",
                "models/v.yml", """
                        models:
                          - name: v
                            config: {contract: {enforced: true}}
                            constraints:
                              - type: unique
                                columns: [idd]
                              - type: not_null
                                columns: [id]
                              - type: foreign_key
                                columns: [id]
                            columns:
                              - name: id
                                data_type: int
                                constraints:
                                  - type: not_nul
                                  - type: check
                        """));
        assertEquals(List.of(
                "models/v.yml:15: model v, column id: constraint type 'not_nul' is not one of not_null, unique,"
                        + " primary_key, check, foreign_key, custom",
                "models/v.yml:16: model v, column id: a check constraint needs an 'expression'",
                "models/v.yml:7: model v: not_null is a column constraint: write it under the column's"
                        + " 'constraints:'",
                "models/v.yml:9: model v: a foreign_key constraint needs 'to: ref(...)' with 'to_columns: [...]', or"
                        + " an 'expression' such as \"other_table (id)\""),
                e.problems().stream().map(ProjectProblem::toString).toList());

        e = refused(files(
                "models/t.sql", "select 1 as id",
                "models/t.yml", """
                        models:
                          - name: t
                            config: {materialized: table, contract: {enforced: true}}
                            constraints:
                              - type: primary_key
                                columns: [idd]
                            columns:
                              - name: id
                                data_type: int
                                constraints:
                                  - {type: foreign_key, to: "ref('nowhere')", to_columns: [id]}
                          - name: w
                            config: {contract: {enforced: true}}
                            columns:
                              - name: id
                                data_type: int
                                constraints: [{type: unique}]
                        """,
                "models/w.sql", "select 1 as id"));
        assertEquals(List.of(
                "models/t.yml:11: model t, column id: foreign_key constraint: 'to: ref('nowhere')' is not"
                        + " ref('<model>') or source('<source>', '<table>') of this project (an ephemeral model has no"
                        + " table)",
                "models/t.yml:5: model t: primary_key constraint names column 'idd', which its contract does not"
                        + " declare (id)",
                "models/t.yml:17: model w: a unique constraint is not created on a view (dbt ignores it with a"
                        + " warning); materialize the model as table or incremental, or set 'warn_unsupported: false'"
                        + " on the constraint"),
                e.problems().stream().map(ProjectProblem::toString).toList());
    }
}
