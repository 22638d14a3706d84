package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;

/**
 * JSON as dbt's templates write it: Python's {@code json.dumps} (separators {@code ", "} and {@code ": "}, non-ASCII
 * as {@code \\uXXXX}). The {@code |tojson} filter is Jinja2's ({@code htmlsafe_json_dumps}: keys sorted, as Jinja2's
 * default {@code json.dumps_kwargs = {"sort_keys": True}}, and {@code < > & '} escaped); dbt's {@code tojson(value)}
 * function is {@code json.dumps(value, sort_keys=False)} (dbt-core {@code context/base.py}).
 */
public final class PyJson {

    private PyJson() {
    }

    /** {@code tojson(value, default=None, sort_keys=False)}. */
    public static String tojson(Object value, Object... more) {
        boolean sort = false;
        for (Object m : more) {
            if (m instanceof com.hubspot.jinjava.el.ext.NamedParameter p && p.getName().equals("sort_keys")) {
                sort = Boolean.TRUE.equals(p.getValue());
            }
        }
        return dumps(value, sort, false);
    }

    static String dumps(Object value, boolean sortKeys, boolean htmlSafe) {
        StringBuilder out = new StringBuilder();
        write(out, value, sortKeys, htmlSafe);
        return out.toString();
    }

    private static void write(StringBuilder out, Object v, boolean sort, boolean safe) {
        if (v == null) {
            out.append("null");
        } else if (v instanceof Boolean b) {
            out.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            out.append(d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16
                    ? String.valueOf(d)
                    : Double.toString(d));
        } else if (v instanceof Number n) {
            out.append(n);
        } else if (v instanceof Map<?, ?> map) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            if (sort) {
                entries.sort((a, b) -> String.valueOf(a.getKey()).compareTo(String.valueOf(b.getKey())));
            }
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                string(out, String.valueOf(entries.get(i).getKey()), safe);
                out.append(": ");
                write(out, entries.get(i).getValue(), sort, safe);
            }
            out.append('}');
        } else if (v instanceof Iterable<?> list) {
            out.append('[');
            boolean first = true;
            for (Object item : list) {
                if (!first) {
                    out.append(", ");
                }
                first = false;
                write(out, item, sort, safe);
            }
            out.append(']');
        } else if (v.getClass().isArray() && v instanceof Object[] array) {
            write(out, List.of(array), sort, safe);
        } else {
            string(out, String.valueOf(v), safe);
        }
    }

    private static void string(StringBuilder out, String s, boolean safe) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e || (safe && (c == '<' || c == '>' || c == '&' || c == '\''))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    /** Jinja2's {@code |tojson} filter. */
    static final class TojsonFilter implements Filter {
        @Override
        public String getName() { return "tojson"; }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return dumps(var, true, true);
        }
    }
}
