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
            s.problems.add(new ProjectProblem(s.file, line(), "ref() takes a model name, e.g. ref('orders')"));
            return new Relation("?", "?", null);
        }
        String name = String.valueOf(positional.get(positional.size() - 1));
        s.refs.putIfAbsent(name, line());
        CompileContext ctx = CompileContext.CURRENT.get();
        if (!ctx.hasNode(name)) {
            s.problems.add(new ProjectProblem(s.file, line(), "ref('" + name + "') names no model or seed of this"
                    + " project" + ctx.suggestion(name)));
            return new Relation("?", name, null);
        }
        return new Relation(modelToken(name, "S"), modelToken(name, "I"), name);
    }

    public static Relation source(Object sourceName, Object tableName) {
        RenderState s = state();
        String key = sourceName + "." + tableName;
        s.sources.add(key);
        CompileContext ctx = CompileContext.CURRENT.get();
        var table = ctx.project().sources().get(key);
        if (table == null) {
            s.problems.add(new ProjectProblem(s.file, line(), "source('" + sourceName + "', '" + tableName
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
        if (ctx.vars().containsKey(key)) {
            return ctx.vars().get(key);
        }
        if (defaults.length > 0) {
            return defaults[0];
        }
        RenderState s = state();
        s.problems.add(new ProjectProblem(s.file, line(), "var('" + key + "') has no value: set it in dbt_project.yml"
                + " 'vars:' or pass it with the build, or give a default: var('" + key + "', ...)"));
        return "";
    }

    public static boolean isIncremental() { return state().incremental; }

    public static String doc(Object name) {
        String text = CompileContext.CURRENT.get().project().docs().get(String.valueOf(name));
        if (text == null) {
            RenderState s = state();
            s.problems.add(new ProjectProblem(s.file, line(), "doc('" + name + "') names no {% docs %} block"));
            return "";
        }
        return text;
    }

    public static String log(Object... args) {
        return "";
    }
}
