package dev.strata.transform.compile;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.hubspot.jinjava.el.ext.NamedParameter;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.fn.MacroFunction;

import dev.strata.warehouse.Namespaces;

/**
 * dbt's context objects for templates: {@code adapter} (dispatch, type, quote), {@code api.Column},
 * {@code exceptions}, {@code modules.datetime} and {@code modules.re}. Each is a plain object whose methods
 * Jinjava calls; a member that is not here is an error of the template ("Cannot find method ..."), never nothing.
 */
public final class DbtGlobals {

    private DbtGlobals() {
    }

    /** The keys of {@code modules} that are implemented. */
    static final List<String> MODULES = List.of("datetime", "re", "itertools");

    static Map<String, Object> bindings() {
        return Map.of("adapter", new Adapter(), "api",
                Map.of("Column", new ColumnApi(), "Relation", new RelationApi()), "exceptions",
                new Exceptions(), "modules",
                Map.of("datetime", new Datetime(), "re", new Re(), "itertools", new DbtFunctions.Itertools()));
    }

    /** What {@code adapter.dispatch(...)} returns: called with the macro's arguments (see {@link DbtSyntax}). */
    public static final class Dispatched {
        private final MacroFunction macro;

        Dispatched(MacroFunction macro) {
            this.macro = macro;
        }

        public Object call(Object... args) {
            return macro.evaluate(args);
        }

        @Override
        public String toString() {
            return macro.getName();
        }
    }

    /** dbt-postgres's adapter, as far as templates compile against it. */
    public static final class Adapter {

        public Dispatched dispatch(Object name, Object... namespace) {
            String macroName = String.valueOf(unnamed(name));
            String ns = null;
            for (Object n : namespace) {
                Object v = unnamed(n);
                if (n instanceof NamedParameter p && p.getName().equals("packages")) {
                    throw new IllegalArgumentException("adapter.dispatch(packages=...) was removed in dbt 1.0: give"
                            + " macro_namespace='<package>' and a dispatch: config in dbt_project.yml");
                }
                if (v != null) {
                    ns = String.valueOf(v);
                }
            }
            JinjavaInterpreter interpreter = JinjavaInterpreter.getCurrent();
            CompileContext ctx = CompileContext.CURRENT.get();
            List<String> tried = new ArrayList<>();
            MacroFunction macro = ctx.macros().dispatch(macroName, ns, interpreter.getContext()::getGlobalMacro,
                    tried);
            if (macro == null) {
                throw new IllegalArgumentException("adapter.dispatch('" + macroName + "'" + (ns == null
                        ? ""
                        : ", '" + ns + "'") + ") found no macro; it looked for " + String.join(", ", tried));
            }
            return new Dispatched(macro);
        }

        public String type() {
            return "postgres";
        }

        public String quote(Object identifier) {
            return Relation.quote(String.valueOf(identifier));
        }

        /**
         * {@code adapter.get_relation(database, schema, identifier)}: the relation when it exists in one of the
         * namespace's own schemas, read as the namespace's role at build time; none when compiling ({@code execute}
         * false), for another namespace's or a system schema, or when nothing has that name (as dbt finds nothing).
         */
        public Relation get_relation(Object... args) {
            Map<String, Object> a = args(args, "database", "schema", "identifier");
            RenderState s = queryState();
            if (s == null) {
                return null;
            }
            String schema = ownSchema(s, a.get("schema"));
            Object named = a.get("identifier");
            String identifier = named == null ? null : s.resolver.apply(String.valueOf(named));
            if (schema == null || identifier == null) {
                return null;
            }
            try (java.sql.PreparedStatement q = s.connection.prepareStatement("select 1 from pg_catalog.pg_class c"
                    + " join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relname = ?"
                    + " and c.relkind in ('r', 'v', 'm', 'p', 'f')")) {
                q.setString(1, schema);
                q.setString(2, identifier);
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    return rs.next() ? new Relation(schema, identifier, null) : null;
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalArgumentException("adapter.get_relation failed: " + e.getMessage(), e);
            }
        }

        /**
         * {@code adapter.get_columns_in_relation(relation)}: its columns in order (name, data_type, ...) at build
         * time, as the namespace's role; empty when compiling or outside the namespace's schemas (as dbt for a
         * relation that does not exist).
         */
        public List<PyColumn> get_columns_in_relation(Object relation) {
            Object r = relation instanceof NamedParameter p ? p.getValue() : relation;
            RenderState s = queryState();
            if (s == null || !(r instanceof Relation rel)) {
                return List.of();
            }
            String schema = ownSchema(s, rel.schema());
            if (schema == null) {
                return List.of();
            }
            String table = s.resolver.apply(rel.identifier());
            List<PyColumn> out = new ArrayList<>();
            try (java.sql.PreparedStatement q = s.connection.prepareStatement("select column_name, data_type,"
                    + " character_maximum_length, numeric_precision, numeric_scale from information_schema.columns"
                    + " where table_schema = ? and table_name = ? order by ordinal_position")) {
                q.setString(1, schema);
                q.setString(2, table);
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        out.add(new PyColumn(rs.getString(1), rs.getString(2), (Integer) rs.getObject(3),
                                (Integer) rs.getObject(4), (Integer) rs.getObject(5)));
                    }
                }
            } catch (java.sql.SQLException e) {
                throw new IllegalArgumentException("adapter.get_columns_in_relation failed: " + e.getMessage(), e);
            }
            return out;
        }

        /** dbt's behaviour flags: all at their dbt 1.11 defaults for Postgres (off). */
        public Map<String, Object> getBehavior() {
            Map<String, Object> off = Map.of("no_warn", false, "setting", false);
            return Map.of("enable_truthy_nulls_equals_macro", off);
        }

        private static Object unnamed(Object arg) {
            return arg instanceof NamedParameter p ? p.getValue() : arg;
        }
    }

    /** The render when it runs at build time (with a connection), else null; marks the template as querying. */
    static RenderState queryState() {
        RenderState s = RenderState.CURRENT.get();
        if (s == null) {
            return null;
        }
        s.usesQueries = true;
        return s.connection == null ? null : s;
    }

    /**
     * The Postgres schema {@code schema} names when it is one of the namespace's own ({@code sales_eu__gold}, or
     * {@code gold} inside the namespace), else null.
     */
    static String ownSchema(RenderState s, Object schema) {
        if (schema == null) {
            return null;
        }
        String name = s.resolver.apply(String.valueOf(schema)).toLowerCase(Locale.ROOT);
        String prefix = Namespaces.pgName(s.namespace) + "__";
        if (name.startsWith(prefix)) {
            return Namespaces.localSchema(name).isPresent() ? name : null;
        }
        return Namespaces.schemaProblem(name).isEmpty() && Namespaces.namespaceOfSchema(name).isEmpty()
                ? Namespaces.schema(s.namespace, name)
                : null;
    }

    /** Positional and named arguments of a Python-style call, by name ({@code names} in positional order). */
    static Map<String, Object> args(Object[] args, String... names) {
        Map<String, Object> out = new java.util.HashMap<>();
        int i = 0;
        for (Object arg : args) {
            if (arg instanceof NamedParameter p) {
                out.put(p.getName(), p.getValue());
            } else if (i < names.length) {
                out.put(names[i++], arg);
            }
        }
        return out;
    }

    /** A column as dbt's {@code Column}: {@code name}, {@code column}, {@code data_type}, {@code dtype}, {@code quoted}. */
    public static final class PyColumn {
        private final String name;
        private final String dtype;
        private final Integer size;
        private final Integer precision;
        private final Integer scale;

        PyColumn(String name, String dtype, Integer size, Integer precision, Integer scale) {
            this.name = name;
            this.dtype = dtype;
            this.size = size;
            this.precision = precision;
            this.scale = scale;
        }

        public String getName() { return name; }

        public String getColumn() { return name; }

        public String getQuoted() { return Relation.quote(name); }

        public String getDtype() { return dtype; }

        public Integer getCharSize() { return size; }

        public Integer getNumericPrecision() { return precision; }

        public Integer getNumericScale() { return scale; }

        /** dbt's {@code Column.data_type}: sizes for character varying and numeric, else the type. */
        public String getDataType() {
            if (dtype.equals("character varying") && size != null) {
                return "character varying(" + size + ")";
            }
            if (dtype.equals("numeric") && precision != null && scale != null) {
                return "numeric(" + precision + "," + scale + ")";
            }
            return dtype;
        }

        /** dbt's {@code Column.is_string()} and the numeric checks (dbt-adapters {@code base/column.py}). */
        public boolean is_string() {
            return List.of("text", "character varying", "character", "varchar", "char").contains(dtype);
        }

        public boolean is_integer() {
            return List.of("smallint", "integer", "bigint", "int", "int2", "int4", "int8").contains(dtype);
        }

        public boolean is_numeric() {
            return List.of("numeric", "decimal").contains(dtype);
        }

        public boolean is_float() {
            return List.of("real", "double precision", "float", "float4", "float8").contains(dtype);
        }

        public boolean is_number() {
            return is_integer() || is_numeric() || is_float();
        }

        @Override
        public String toString() {
            return "<Column " + name + " (" + getDataType() + ")>";
        }
    }

    /** {@code api.Relation}: {@code api.Relation.create(database, schema, identifier, type)}. */
    public static final class RelationApi {
        public Relation create(Object... args) {
            Map<String, Object> a = args(args, "database", "schema", "identifier", "type");
            Object identifier = a.get("identifier");
            return new Relation(a.get("schema") == null ? null : String.valueOf(a.get("schema")),
                    identifier == null ? null : String.valueOf(identifier), null);
        }
    }

    /** {@code api.Column} (dbt-adapters {@code base/column.py}). */
    public static final class Api {
        public ColumnApi getColumn() { return new ColumnApi(); }
    }

    /** {@code api.Column}: the class methods of dbt's {@code Column} (dbt-adapters {@code base/column.py}). */
    public static final class ColumnApi {
        /** {@code Column.translate_type}: {@code TYPE_LABELS = {"STRING": "TEXT"}}, anything else as given. */
        public String translate_type(Object dtype) {
            String t = String.valueOf(dtype);
            return t.toUpperCase(Locale.ROOT).equals("STRING") ? "TEXT" : t;
        }

        /** {@code Column.numeric_type}: {@code dtype(precision,scale)}, or dtype when either is none. */
        public String numeric_type(Object dtype, Object precision, Object scale) {
            return precision == null || scale == null
                    ? String.valueOf(dtype)
                    : dtype + "(" + precision + ","
                            + scale + ")";
        }

        public String string_type(Object size) {
            return "character varying(" + size + ")";
        }
    }

    /** {@code exceptions}: the compile error is the template's problem, with its file and line. */
    public static final class Exceptions {
        public String raise_compiler_error(Object message) {
            throw new IllegalArgumentException("Compilation Error: " + message);
        }

        public String raise_not_implemented(Object message) {
            throw new IllegalArgumentException("not implemented: " + message);
        }

        public String warn(Object message) {
            return "";
        }
    }

    /** {@code modules.datetime}: {@code datetime.now()/utcnow()}, {@code date.today()}, {@code date(y, m, d)}. */
    public static final class Datetime {
        public DatetimeClass getDatetime() { return new DatetimeClass(); }

        public DateClass getDate() { return new DateClass(); }

        public PyDate date(int year, int month, int day) {
            return new PyDate(LocalDate.of(year, month, day).atStartOfDay(), true);
        }

        public PyDate datetime(int year, int month, int day, int... hms) {
            LocalDateTime t = LocalDate.of(year, month, day).atStartOfDay();
            t = t.plusHours(hms.length > 0 ? hms[0] : 0).plusMinutes(hms.length > 1 ? hms[1] : 0)
                    .plusSeconds(hms.length > 2 ? hms[2] : 0);
            return new PyDate(t, false);
        }
    }

    public static final class DatetimeClass {
        public PyDate now() {
            return new PyDate(LocalDateTime.now(), false);
        }

        public PyDate utcnow() {
            return new PyDate(LocalDateTime.now(ZoneOffset.UTC), false);
        }
    }

    public static final class DateClass {
        public PyDate today() {
            return new PyDate(LocalDate.now().atStartOfDay(), true);
        }
    }

    /** A Python {@code date} or {@code datetime}: prints and formats as Python does. */
    public static final class PyDate {
        private final LocalDateTime value;
        private final boolean dateOnly;

        PyDate(LocalDateTime value, boolean dateOnly) {
            this.value = value;
            this.dateOnly = dateOnly;
        }

        public int getYear() { return value.getYear(); }

        public int getMonth() { return value.getMonthValue(); }

        public int getDay() { return value.getDayOfMonth(); }

        public String isoformat() {
            return dateOnly ? value.toLocalDate().toString() : value.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        }

        /** Python's strftime with the common directives (%Y %m %d %H %M %S %f %y %j %b %B %a %A %%). */
        public String strftime(Object format) {
            String f = String.valueOf(format);
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < f.length(); i++) {
                char c = f.charAt(i);
                if (c != '%' || i + 1 == f.length()) {
                    out.append(c);
                    continue;
                }
                char d = f.charAt(++i);
                out.append(switch (d) {
                    case 'Y' -> String.format("%04d", value.getYear());
                    case 'y' -> String.format("%02d", value.getYear() % 100);
                    case 'm' -> String.format("%02d", value.getMonthValue());
                    case 'd' -> String.format("%02d", value.getDayOfMonth());
                    case 'H' -> String.format("%02d", value.getHour());
                    case 'M' -> String.format("%02d", value.getMinute());
                    case 'S' -> String.format("%02d", value.getSecond());
                    case 'f' -> String.format("%06d", value.getNano() / 1000);
                    case 'j' -> String.format("%03d", value.getDayOfYear());
                    case 'b' -> value.format(DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH));
                    case 'B' -> value.format(DateTimeFormatter.ofPattern("MMMM", Locale.ENGLISH));
                    case 'a' -> value.format(DateTimeFormatter.ofPattern("EEE", Locale.ENGLISH));
                    case 'A' -> value.format(DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH));
                    case '%' -> "%";
                    default -> throw new IllegalArgumentException("strftime: %" + d + " is not supported");
                });
            }
            return out.toString();
        }

        @Override
        public String toString() {
            // str(datetime): 'YYYY-MM-DD HH:MM:SS[.ffffff]'
            if (dateOnly) {
                return value.toLocalDate().toString();
            }
            return strftime(value.getNano() == 0 ? "%Y-%m-%d %H:%M:%S" : "%Y-%m-%d %H:%M:%S.%f");
        }
    }

    /** {@code modules.re}: search, match, fullmatch (true/false), sub, findall, split; Java's regex dialect. */
    public static final class Re {
        public boolean search(Object pattern, Object text) {
            return Pattern.compile(String.valueOf(pattern)).matcher(String.valueOf(text)).find();
        }

        public boolean match(Object pattern, Object text) {
            return Pattern.compile(String.valueOf(pattern)).matcher(String.valueOf(text)).lookingAt();
        }

        public boolean fullmatch(Object pattern, Object text) {
            return Pattern.compile(String.valueOf(pattern)).matcher(String.valueOf(text)).matches();
        }

        public String sub(Object pattern, Object replacement, Object text) {
            String r = String.valueOf(replacement).replaceAll("\\\\(\\d)", "\\$$1");
            return Pattern.compile(String.valueOf(pattern)).matcher(String.valueOf(text)).replaceAll(r);
        }

        public List<String> findall(Object pattern, Object text) {
            Matcher m = Pattern.compile(String.valueOf(pattern)).matcher(String.valueOf(text));
            List<String> out = new ArrayList<>();
            while (m.find()) {
                out.add(m.groupCount() > 0 ? m.group(1) : m.group());
            }
            return out;
        }

        public List<String> split(Object pattern, Object text) {
            return List.of(Pattern.compile(String.valueOf(pattern)).split(String.valueOf(text), -1));
        }
    }
}
