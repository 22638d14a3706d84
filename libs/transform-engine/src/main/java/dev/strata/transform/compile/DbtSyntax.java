package dev.strata.transform.compile;

import java.util.List;

/**
 * Where Jinjava's expression parser differs from Jinja2 (which dbt uses), the template text is adjusted before Jinjava
 * reads it, inside {@code {{ }}} and {@code {% %}} only and never inside a string literal, keeping every line and so
 * every line number:
 * <ul>
 * <li>a trailing comma in a call, list or dict ({@code config(strategy='timestamp', updated_at='d',)}, as dbt's own
 * snapshot docs write it) is dropped: Jinja2 accepts it, Jinjava's parser does not;</li>
 * <li>{@code adapter.dispatch(name, namespace)(args)} — calling what a call returned, which Jinjava's parser does not
 * know — becomes {@code adapter.dispatch(name, namespace).call(args)}.</li>
 * <li>a macro argument whose default Jinjava's macro tag cannot read (a string holding a comma,
 * {@code delimiter_text="','"}, or a call, {@code data_type=api.Column.translate_type('integer')}) defaults to
 * {@code none} and gets its default at the top of the macro's body, on the same line.</li>
 * </ul>
 */
final class DbtSyntax {

    private DbtSyntax() {
    }

    private static final java.util.regex.Pattern MACRO = java.util.regex.Pattern.compile(
            "\\{%(-?)(\\s*(?:macro|test)\\s+\\w+\\s*)\\((.*?)\\)(\\s*-?%})", java.util.regex.Pattern.DOTALL);

    static String prepare(String template) {
        if (template.indexOf(',') < 0 && !template.contains("dispatch")) {
            return template;
        }
        if (template.contains("macro") || template.contains("test")) {
            template = macroDefaults(template);
        }
        StringBuilder out = new StringBuilder(template.length() + 16);
        int i = 0;
        int n = template.length();
        while (i < n) {
            int open = nextOpen(template, i);
            if (open < 0) {
                out.append(template, i, n);
                break;
            }
            out.append(template, i, open + 2);
            char kind = template.charAt(open + 1);
            if (kind == '#') {
                int end = template.indexOf("#}", open + 2);
                end = end < 0 ? n : end + 2;
                out.append(template, open + 2, end);
                i = end;
                continue;
            }
            int end = codeEnd(template, open + 2, kind == '{' ? '}' : '%');
            out.append(code(template.substring(open + 2, end)));
            i = end;
        }
        return out.toString();
    }

    private static String macroDefaults(String template) {
        java.util.regex.Matcher m = MACRO.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            List<String> args = splitTopLevel(m.group(3));
            StringBuilder defaults = new StringBuilder();
            List<String> kept = new java.util.ArrayList<>();
            for (String arg : args) {
                int eq = topLevelEquals(arg);
                String value = eq < 0 ? null : arg.substring(eq + 1).strip();
                if (value != null && (value.contains(",") || value.contains("("))) {
                    String name = arg.substring(0, eq).strip();
                    kept.add(name + "=none");
                    defaults.append("{% if ").append(name).append(" is none %}{% set ").append(name).append(" = ")
                            .append(value).append(" %}{% endif %}");
                } else {
                    kept.add(arg.strip());
                }
            }
            String replacement = defaults.isEmpty()
                    ? m.group()
                    : "{%" + m.group(1) + m.group(2) + "(" + String.join(", ", kept) + ")" + m.group(4) + defaults;
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Splits at the commas outside strings and brackets. */
    private static List<String> splitTopLevel(String s) {
        List<String> out = new java.util.ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (!s.substring(start).isBlank()) {
            out.add(s.substring(start));
        }
        return out;
    }

    private static int topLevelEquals(String arg) {
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '=') {
                return i;
            }
            if (c == '\'' || c == '"' || c == '(') {
                return -1;
            }
        }
        return -1;
    }

    private static int nextOpen(String t, int from) {
        for (int i = t.indexOf('{', from); i >= 0 && i + 1 < t.length(); i = t.indexOf('{', i + 1)) {
            char c = t.charAt(i + 1);
            if (c == '{' || c == '%' || c == '#') {
                return i;
            }
        }
        return -1;
    }

    /** Where the code that starts at {@code from} ends: at its closing {@code }}} / {@code %}} outside strings. */
    private static int codeEnd(String t, int from, char closer) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < t.length(); i++) {
            char c = t.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[' || (c == '{')) {
                depth++;
            } else if ((c == ')' || c == ']' || c == '}') && depth > 0 && !(closer == '}' && c == '}'
                    && depth == 0)) {
                depth--;
            } else if (c == closer && depth == 0 && i + 1 < t.length() && t.charAt(i + 1) == '}') {
                return i;
            }
        }
        return t.length();
    }

    /** One expression or tag body, adjusted. */
    private static String code(String code) {
        StringBuilder out = new StringBuilder(code.length() + 8);
        char quote = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (quote != 0) {
                out.append(c);
                if (c == '\\' && i + 1 < code.length()) {
                    out.append(code.charAt(++i));
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            if (c == '\'' || c == '"') {
                quote = c;
                out.append(c);
                continue;
            }
            if (c == ',') {
                int j = skipSpace(code, i + 1);
                if (j < code.length() && (code.charAt(j) == ')' || code.charAt(j) == ']' || code.charAt(j) == '}')) {
                    out.append(' '); // keeps the columns after it
                    continue;
                }
            }
            if (c == '(' && endsWithDispatch(out)) {
                int close = matching(code, i);
                if (close > 0) {
                    int next = skipSpace(code, close + 1);
                    if (next < code.length() && code.charAt(next) == '(') {
                        out.append(code(code.substring(i, close + 1))).append(".call");
                        i = next - 1;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static boolean endsWithDispatch(StringBuilder out) {
        int end = out.length();
        while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
            end--;
        }
        String s = out.substring(Math.max(0, end - 16), end);
        return s.endsWith("adapter.dispatch");
    }

    private static int skipSpace(String s, int from) {
        int j = from;
        while (j < s.length() && Character.isWhitespace(s.charAt(j))) {
            j++;
        }
        return j;
    }

    /** The index of the parenthesis closing the one at {@code open}, outside strings, else -1. */
    private static int matching(String s, int open) {
        int depth = 0;
        char quote = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
