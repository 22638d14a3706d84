package dev.strata.registry.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.strata.warehouse.Namespaces;

/**
 * The pre-check of an analyst's SQL, for a good message: one statement, a query (no write, DDL, COPY, SET), no function
 * that reads server files or opens other connections, no schema of another namespace or of the services' metadata. It
 * is NOT the wall: the query runs as the namespace's read-only Postgres role in a read-only transaction, which refuses
 * all of this by itself.
 *
 * <p>
 * It also finds the {@code :name} parameters outside literals, comments and quoted identifiers, and writes the
 * statement sent to Postgres with each parameter as a quoted literal, keeping a map from the sent text back to the
 * caller's text so that Postgres' error positions point into what the caller wrote.
 */
final class SqlGuard {

    /** A statement may start with these words only. */
    private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table", "explain");
    /** Words that make a statement write or change something, wherever they appear. */
    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "merge", "truncate", "into", "lock",
            "upsert");
    private static final Set<String> DDL = Set.of("create", "alter", "drop", "grant", "revoke", "vacuum", "reindex",
            "cluster");
    /** Functions that read the server's files, open other connections, change settings or signal other backends. */
    private static final Set<String> FUNCTIONS = Set.of("pg_read_file", "pg_read_binary_file", "pg_ls_dir",
            "pg_ls_logdir", "pg_ls_waldir", "pg_ls_tmpdir", "pg_ls_archive_statusdir", "pg_ls_logicalmapdir",
            "pg_ls_logicalsnapdir", "pg_ls_replslotdir", "pg_stat_file", "pg_file_write", "pg_file_rename",
            "pg_file_unlink", "lo_import", "lo_export", "lo_from_bytea", "lo_put", "lo_unlink", "lo_create",
            "set_config", "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
            "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml",
            "pg_logical_emit_message", "pg_switch_wal", "pg_promote");
    /** The services' own schemas: they live in the metadata database, never reachable from the warehouse. */
    private static final Set<String> METADATA_SCHEMAS = Set.of("auth", "registry", "ingest", "transform", "scheduler",
            "notifier", "gateway", "outbox");

    static final String SENTENCE = "Only read queries (SELECT, WITH, VALUES, TABLE, EXPLAIN) on this namespace's own "
            + "schemas may run here: writes, DDL, COPY, SET/SET ROLE, file functions, dblink and other namespaces' or "
            + "the services' schemas are not allowed.";

    private SqlGuard() {
    }

    /** Thrown for a statement the workspace does not run: refused (403) or not one statement (400). */
    static final class Refused extends RuntimeException {
        final boolean badRequest;

        Refused(String sentence, boolean badRequest) {
            super(sentence, null, false, false);
            this.badRequest = badRequest;
        }
    }

    /**
     * A checked statement.
     *
     * @param original   the caller's text, without a trailing {@code ;}
     * @param parameters the parameter names, in order of first use
     */
    record Checked(String original, List<String> parameters, List<int[]> parameterSpans) {

        /**
         * The statement to send, each {@code :name} replaced by {@code literal.apply(name)}, and for each character of
         * it the index in {@link #original} it comes from.
         */
        Sent render(Function<String, String> literal) {
            StringBuilder text = new StringBuilder(original.length() + 16);
            List<Integer> origin = new ArrayList<>(original.length() + 16);
            int at = 0;
            for (int i = 0; i < parameters.size(); i++) {
                int[] span = parameterSpans.get(i);
                for (; at < span[0]; at++) {
                    text.append(original.charAt(at));
                    origin.add(at);
                }
                String value = literal.apply(original.substring(span[0] + 1, span[1]));
                for (int k = 0; k < value.length(); k++) {
                    text.append(value.charAt(k));
                    origin.add(span[0]);
                }
                at = span[1];
            }
            for (; at < original.length(); at++) {
                text.append(original.charAt(at));
                origin.add(at);
            }
            int[] map = origin.stream().mapToInt(Integer::intValue).toArray();
            return new Sent(text.toString(), map, original);
        }
    }

    /** The text sent to Postgres, with the map of its characters back to the caller's text. */
    record Sent(String text, int[] origin, String original) {

        /**
         * The caller's position (1-based) of Postgres' 1-based {@code position} in a text that had {@code prefix}
         * characters put before {@link #text}.
         */
        int originalPosition(int position, int prefix) {
            int i = position - 1 - prefix;
            if (i < 0) {
                return 1;
            }
            return i >= origin.length ? original.length() + 1 : origin[i] + 1;
        }
    }

    /** Checks {@code sql} of {@code namespace}; throws {@link Refused} with a sentence. */
    static Checked check(String sql, String namespace) {
        return check(sql, namespace, schema -> false);
    }

    /**
     * Checks {@code sql} of {@code namespace}, where another namespace's schema may be named if {@code shared} says
     * it holds a table shared with this namespace (Postgres lets the read-only role read exactly the shared tables);
     * throws {@link Refused} with a sentence.
     */
    static Checked check(String sql, String namespace, Predicate<String> shared) {
        Scan scan = scan(sql);
        String words = scan.words.toString();
        List<String> tokens = tokens(words);
        if (tokens.isEmpty()) {
            throw new Refused("The SQL is empty: write one query, e.g. SELECT * FROM <table> LIMIT 10.", true);
        }
        if (scan.statements > 1) {
            throw new Refused("One statement at a time: this SQL holds " + scan.statements + " statements separated "
                    + "by ';'. Run them one by one.", true);
        }
        String first = tokens.get(0);
        if (!QUERY_STARTS.contains(first) && !"(".equals(first)) {
            throw new Refused(startRefusal(first), false);
        }
        for (String token : tokens) {
            if (WRITES.contains(token)) {
                throw new Refused("Query refused: '" + token.toUpperCase(Locale.ROOT) + "' writes or locks data. "
                        + SENTENCE, false);
            }
            if (DDL.contains(token)) {
                throw new Refused("Query refused: '" + token.toUpperCase(Locale.ROOT) + "' changes the database. "
                        + SENTENCE, false);
            }
            if ("copy".equals(token)) {
                throw new Refused("Query refused: COPY is not allowed; use the CSV export. " + SENTENCE, false);
            }
            if (FUNCTIONS.contains(token) || token.startsWith("dblink") || token.startsWith("pg_read_")) {
                throw new Refused("Query refused: " + token + "() reads server files, reaches other connections or "
                        + "changes the server. " + SENTENCE, false);
            }
        }
        for (String schema : scan.qualifiers) {
            Optional<String> other = Namespaces.namespaceOfSchema(schema).filter(ns -> !ns.equals(namespace));
            if (other.isPresent() && !shared.test(schema)) {
                throw new Refused("Query refused: schema " + Namespaces.printable(schema) + " belongs to namespace '"
                        + other.get() + "', not to '" + namespace + "'. Ask an admin of '" + other.get() + "' to "
                        + "share the dataset. " + SENTENCE, false);
            }
            if (METADATA_SCHEMAS.contains(schema)) {
                throw new Refused("Query refused: schema " + schema + " is a service's metadata, not warehouse data. "
                        + SENTENCE, false);
            }
        }
        return new Checked(scan.text, scan.parameters, scan.spans);
    }

    private static String startRefusal(String first) {
        String word = first.toUpperCase(Locale.ROOT);
        if (Set.of("set", "reset", "discard").contains(first)) {
            return "Query refused: " + word + " (of roles, session authorization or settings) is not allowed. "
                    + SENTENCE;
        }
        if ("copy".equals(first)) {
            return "Query refused: COPY is not allowed; use the CSV export. " + SENTENCE;
        }
        if (WRITES.contains(first)) {
            return "Query refused: " + word + " writes data. " + SENTENCE;
        }
        if (DDL.contains(first)) {
            return "Query refused: " + word + " changes the database. " + SENTENCE;
        }
        return "Query refused: a statement starting with " + Namespaces.printable(word) + " is not a query. "
                + SENTENCE;
    }

    /** Words and single-character symbols of the text with literals, comments and quoted identifiers blanked. */
    private static List<String> tokens(String words) {
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (i < words.length()) {
            char c = words.charAt(i);
            if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < words.length() && (Character.isLetterOrDigit(words.charAt(i)) || words.charAt(i) == '_'
                        || words.charAt(i) == '$')) {
                    i++;
                }
                tokens.add(words.substring(start, i).toLowerCase(Locale.ROOT));
            } else {
                if (!Character.isWhitespace(c) && tokens.isEmpty()) {
                    tokens.add(String.valueOf(c));
                }
                i++;
            }
        }
        return tokens;
    }

    private static final class Scan {
        String text;
        final StringBuilder words = new StringBuilder();
        final List<String> parameters = new ArrayList<>();
        final List<int[]> spans = new ArrayList<>();
        final List<String> qualifiers = new ArrayList<>();
        int statements;
    }

    /**
     * One pass over the text: blanks out comments, string literals (standard, {@code E''}, dollar-quoted) and quoted
     * identifiers in {@code words}; collects {@code :name} parameters, identifiers qualifying another
     * ({@code x.} / {@code "x".}), and counts statements.
     */
    private static Scan scan(String sql) {
        Scan scan = new Scan();
        String text = sql.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).stripTrailing();
        }
        scan.text = text;
        StringBuilder w = scan.words;
        int n = text.length();
        int i = 0;
        boolean content = false;
        int statements = 0;
        while (i < n) {
            char c = text.charAt(i);
            char next = i + 1 < n ? text.charAt(i + 1) : 0;
            if (c == '-' && next == '-') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                    w.append(' ');
                }
            } else if (c == '/' && next == '*') {
                int depth = 0;
                do {
                    if (text.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                        w.append("  ");
                    } else if (text.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                        w.append("  ");
                    } else {
                        i++;
                        w.append(' ');
                    }
                } while (i < n && depth > 0);
            } else if (c == '\'') {
                boolean escapes = i > 0 && (text.charAt(i - 1) == 'e' || text.charAt(i - 1) == 'E')
                        && (i < 2 || !Character.isLetterOrDigit(text.charAt(i - 2)));
                i = skipQuoted(text, i, '\'', escapes, w);
                content = true;
            } else if (c == '"') {
                int start = i;
                i = skipQuoted(text, i, '"', false, w);
                content = true;
                if (i < n && text.charAt(i) == '.') {
                    scan.qualifiers.add(text.substring(start + 1, i - 1).replace("\"\"", "\""));
                }
            } else if (c == '$' && dollarTag(text, i) != null) {
                String tag = dollarTag(text, i);
                int end = text.indexOf(tag, i + tag.length());
                int stop = end < 0 ? n : end + tag.length();
                for (; i < stop; i++) {
                    w.append(' ');
                }
                content = true;
            } else if (c == ':' && next == ':') {
                w.append("::");
                i += 2;
            } else if (c == ':' && (Character.isLetter(next) || next == '_')
                    && (i == 0 || text.charAt(i - 1) != ':')) {
                int start = i++;
                while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
                    i++;
                }
                scan.parameters.add(text.substring(start + 1, i));
                scan.spans.add(new int[]{start, i});
                for (int k = start; k < i; k++) {
                    w.append(' ');
                }
                content = true;
            } else if (c == ';') {
                if (content) {
                    statements++;
                }
                content = false;
                w.append(' ');
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'
                        || text.charAt(i) == '$')) {
                    i++;
                }
                w.append(text, start, i);
                content = true;
                int j = i;
                while (j < n && Character.isWhitespace(text.charAt(j))) {
                    j++;
                }
                if (j < n && text.charAt(j) == '.') {
                    scan.qualifiers.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                }
            } else {
                if (!Character.isWhitespace(c)) {
                    content = true;
                }
                w.append(c);
                i++;
            }
        }
        if (content) {
            statements++;
        }
        scan.statements = statements;
        return scan;
    }

    /** Skips a quoted literal or identifier starting at {@code i}; returns the index after it. */
    private static int skipQuoted(String text, int i, char quote, boolean backslashEscapes, StringBuilder w) {
        int n = text.length();
        w.append(' ');
        i++;
        while (i < n) {
            char c = text.charAt(i);
            if (backslashEscapes && c == '\\' && i + 1 < n) {
                w.append("  ");
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < n && text.charAt(i + 1) == quote) {
                    w.append("  ");
                    i += 2;
                    continue;
                }
                w.append(' ');
                return i + 1;
            }
            w.append(' ');
            i++;
        }
        return n;
    }

    /** The dollar-quote tag ({@code $$} or {@code $tag$}) starting at {@code i}, or null. */
    private static String dollarTag(String text, int i) {
        if (i > 0 && (Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '_')) {
            return null; // part of an identifier
        }
        int j = i + 1;
        while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            if (j == i + 1 && Character.isDigit(text.charAt(j))) {
                return null; // $1 is a positional parameter
            }
            j++;
        }
        return j < text.length() && text.charAt(j) == '$' ? text.substring(i, j + 1) : null;
    }

    /** {@code value} as a Postgres string literal (standard_conforming_strings on), cast to {@code type} if given. */
    static String literal(String value, String type) {
        String quoted = "'" + value.replace("'", "''") + "'";
        return type == null ? quoted : quoted + "::" + type;
    }

    /** The parameter map a caller sent, checked: every parameter the SQL uses is given or has a default. */
    static Map<String, String> require(Checked checked, Map<String, String> values) {
        for (String name : checked.parameters()) {
            if (!values.containsKey(name)) {
                throw new Refused("Parameter :" + name + " has no value: give it in \"parameters\".", true);
            }
        }
        return values;
    }
}
