package dev.strata.transform.compile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;

import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.project.ProjectProblem;

/** The dbt functions a model template may call; static because Jinjava calls them so. */
public final class JinjaFunctions {

    static final char MARK = '\u0001';

    private JinjaFunctions() {
    }

    private static RenderState state() {
        RenderState s = RenderState.CURRENT.get();
        if (s == null) {
            throw new IllegalStateException("not rendering a model");
        }
        return s;
    }

    /** The file a problem is in: the macro's own when a macro is being called, else the template's. */
    private static String file(RenderState s) {
        String macroFile = DbtMacro.currentFile();
        return macroFile != null ? macroFile : s.file;
    }

    private static int line() {
        return JinjavaInterpreter.getCurrentMaybe().map(JinjavaInterpreter::getLineNumber).orElse(0);
    }

    static String modelToken(String name, String part) {
        return MARK + part + ":" + name + MARK;
    }

    public static Relation ref(Object... args) {
        RenderState s = state();
        List<Object> positional = java.util.Arrays.stream(args).filter(a -> !(a instanceof NamedParameter)).toList();
        if (positional.isEmpty() || positional.size() > 2) {
            s.problems.add(new ProjectProblem(file(s), line(), "ref() takes a model name, e.g. ref('orders')"));
            return new Relation("?", "?", null);
        }
        String name = String.valueOf(positional.get(positional.size() - 1));
        s.refs.putIfAbsent(name, line());
        CompileContext ctx = CompileContext.CURRENT.get();
        if (!ctx.hasNode(name)) {
            s.problems.add(new ProjectProblem(file(s), line(), "ref('" + name + "') names no model or seed of this"
                    + " project" + ctx.suggestion(name)));
            return new Relation("?", name, null);
        }
        return new Relation(modelToken(name, "S"), modelToken(name, "I"), name);
    }

    public static Relation source(Object sourceName, Object tableName) {
        RenderState s = state();
        String key = sourceName + "." + tableName;
        s.sources.add(key);
        if (s.givenSources != null && s.givenSources.containsKey(key)) {
            String cte = s.givenSources.get(key); // a unit test's input
            return new Relation(modelToken(cte, "S"), modelToken(cte, "I"), cte);
        }
        CompileContext ctx = CompileContext.CURRENT.get();
        var table = ctx.project().sources().get(key);
        if (table == null) {
            s.problems.add(new ProjectProblem(file(s), line(), "source('" + sourceName + "', '" + tableName
                    + "') is not declared under 'sources:' in any schema.yml"));
            return new Relation(String.valueOf(sourceName), String.valueOf(tableName), null);
        }
        return new Relation(table.schema(), table.identifier(), null);
    }

    public static String config(Object... args) {
        RenderState s = state();
        Map<String, Object> values = new LinkedHashMap<>();
        for (Object arg : args) {
            if (arg instanceof NamedParameter p) {
                values.put(p.getName(), p.getValue());
            } else if (arg instanceof Map<?, ?> map) {
                map.forEach((k, v) -> values.put(String.valueOf(k), v));
            }
        }
        ProjectLoader.mergeConfig(s.config, values);
        return "";
    }

    public static Object var(Object name, Object... defaults) {
        CompileContext ctx = CompileContext.CURRENT.get();
        String key = String.valueOf(name);
        RenderState current = RenderState.CURRENT.get();
        if (current != null && current.varOverrides.containsKey(key)) {
            return current.varOverrides.get(key);
        }
        if (ctx.vars().containsKey(key)) {
            return ctx.vars().get(key);
        }
        if (defaults.length > 0) {
            return defaults[0];
        }
        RenderState s = state();
        s.problems.add(new ProjectProblem(file(s), line(), "var('" + key + "') has no value: set it in dbt_project.yml"
                + " 'vars:' or pass it with the build, or give a default: var('" + key + "', ...)"));
        return "";
    }

    public static boolean isIncremental() { return state().incremental; }

    public static String doc(Object name) {
        String text = CompileContext.CURRENT.get().project().docs().get(String.valueOf(name));
        if (text == null) {
            RenderState s = state();
            s.problems.add(new ProjectProblem(file(s), line(), "doc('" + name + "') names no {% docs %} block"));
            return "";
        }
        return text;
    }

    public static String log(Object... args) {
        return "";
    }

    /** {@code return(x)}: ends the macro's value as x (see {@link DbtMacro}). */
    public static String doReturn(Object value) {
        if (!DbtMacro.setReturn(value)) {
            RenderState s = state();
            s.problems.add(new ProjectProblem(file(s), line(), "return() is only allowed inside a {% macro %}"));
        }
        return "";
    }

    /**
     * {@code env_var('X', 'default')}: the value of X from {@code strata.transform.env.X}, else the default; without
     * either the template is refused. {@code DBT_ENV_SECRET_*} values are never put into SQL (dbt allows them only in
     * profiles and packages.yml): a template that reads one is refused.
     */
    public static Object envVar(Object name, Object... defaults) {
        String key = String.valueOf(name);
        RenderState s = state();
        if (key.startsWith("DBT_ENV_SECRET_")) {
            s.problems.add(new ProjectProblem(file(s), line(), "env_var('" + key + "'): a DBT_ENV_SECRET_ value"
                    + " may not be used in a model, test or macro (it would end up in the compiled SQL)"));
            return "";
        }
        if (s.envOverrides.containsKey(key)) {
            return s.envOverrides.get(key);
        }
        String value = CompileContext.CURRENT.get().env().get(key);
        if (value != null) {
            return value;
        }
        if (defaults.length > 0) {
            return defaults[0];
        }
        s.problems.add(new ProjectProblem(file(s), line(), "env_var('" + key + "') has no value: set"
                + " strata.transform.env." + key + " (STRATA_TRANSFORM_ENV_" + key + ") or give a default: env_var('"
                + key + "', '...')"));
        return "";
    }

    /**
     * {@code {% call statement('name', fetch_result=True) %} sql {% endcall %}}: when the build runs the model
     * ({@code execute} is true), runs the SQL as the namespace's role on the model's connection and keeps its result
     * for {@code load_result('name')}; when the project is compiled (push, plan) it runs nothing, as dbt's parse.
     */
    public static String statement(Object... args) {
        RenderState s = state();
        s.usesQueries = true;
        String name = "main";
        boolean fetch = false;
        int positional = 0;
        for (Object arg : args) {
            if (arg instanceof NamedParameter p) {
                if (p.getName().equals("name")) {
                    name = String.valueOf(p.getValue());
                } else if (p.getName().equals("fetch_result")) {
                    fetch = Boolean.TRUE.equals(p.getValue());
                }
            } else if (positional++ == 0) {
                name = String.valueOf(arg);
            } else if (positional == 2) {
                fetch = Boolean.TRUE.equals(arg);
            }
        }
        if (s.connection == null) {
            return "";
        }
        JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
        // Jinjava's {% call %} makes its body the global macro 'caller' of the call's scope
        Object caller = interpreter.getContext().getGlobalMacro("caller");
        if (!(caller instanceof com.hubspot.jinjava.lib.fn.MacroFunction body)) {
            s.problems.add(new ProjectProblem(file(s), line(), "statement() is used with {% call statement(...) %}"
                    + " ... {% endcall %}"));
            return "";
        }
        String sql = String.valueOf(body.evaluate());
        s.results.put(name, QueryResult.run(s.connection, s.resolver.apply(sql), fetch));
        return "";
    }

    /** {@code run_query(sql)}: the result's table at run time (see {@link #statement}); none when compiling. */
    public static Object runQuery(Object sql) {
        RenderState s = state();
        s.usesQueries = true;
        if (s.connection == null) {
            return null;
        }
        QueryResult result = QueryResult.run(s.connection, s.resolver.apply(String.valueOf(sql)), true);
        s.results.put("run_query_statement", result);
        return result;
    }

    /** {@code should_store_failures()}: Strata keeps failing rows in the quarantine itself; a test's query is as dbt's without. */
    public static boolean shouldStoreFailures() {
        return false;
    }

    /** {@code load_result('name')}: {@code response}, {@code data} and {@code table} of a statement; none before. */
    public static Object loadResult(Object name) {
        RenderState s = state();
        QueryResult result = s.results.get(String.valueOf(name));
        return result == null ? null : result.asLoadResult();
    }

    /**
     * dbt's {@code config} object beside the {@code config(...)} call: {@code config.get('key', default)} and
     * {@code config.require('key')} read the model's config (dbt_project.yml, yml and what {@code config()} set so
     * far).
     */
    public static final class ConfigView {
        private final Map<String, Object> base;

        ConfigView(Map<String, Object> base) {
            this.base = base;
        }

        public Object get(Object key, Object... defaults) {
            String k = String.valueOf(key);
            RenderState s = RenderState.CURRENT.get();
            Object v = s != null && s.config.containsKey(k) ? s.config.get(k) : base.get(k);
            if (v == null && defaults.length > 0) {
                Object d = defaults[0];
                return d instanceof NamedParameter p ? p.getValue() : d;
            }
            return v;
        }

        public Object require(Object key) {
            Object v = get(key);
            if (v == null) {
                throw new IllegalArgumentException("config '" + key + "' is required here");
            }
            return v;
        }
    }
}
