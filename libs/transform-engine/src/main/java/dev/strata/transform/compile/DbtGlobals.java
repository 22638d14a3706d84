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

/**
 * dbt's context objects for templates: {@code adapter} (dispatch, type, quote), {@code api.Column},
 * {@code exceptions}, {@code modules.datetime} and {@code modules.re}. Each is a plain object whose methods
 * Jinjava calls; a member that is not here is an error of the template ("Cannot find method ..."), never nothing.
 */
public final class DbtGlobals {

    private DbtGlobals() {
    }

    /** The keys of {@code modules} that are implemented. */
    static final List<String> MODULES = List.of("datetime", "re");

    static Map<String, Object> bindings() {
        return Map.of("adapter", new Adapter(), "api", Map.of("Column", new ColumnApi()), "exceptions",
                new Exceptions(), "modules",
                Map.of("datetime", new Datetime(), "re", new Re()));
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

        /** dbt's behaviour flags: all at their dbt 1.11 defaults for Postgres (off). */
        public Map<String, Object> getBehavior() {
            Map<String, Object> off = Map.of("no_warn", false, "setting", false);
            return Map.of("enable_truthy_nulls_equals_macro", off);
        }

        private static Object unnamed(Object arg) {
            return arg instanceof NamedParameter p ? p.getValue() : arg;
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
