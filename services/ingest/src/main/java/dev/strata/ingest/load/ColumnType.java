package dev.strata.ingest.load;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The warehouse types a load infers or accepts, each with a check of a text value that is strict enough that
 * PostgreSQL accepts what passes. Ordered from the narrowest to the widest where they widen into each other.
 */
public enum ColumnType {
    BOOLEAN("boolean"),
    INTEGER("integer"),
    BIGINT("bigint"),
    NUMERIC("numeric"),
    DATE("date"),
    TIMESTAMP("timestamp"),
    TIMESTAMPTZ("timestamptz"),
    JSONB("jsonb"),
    TEXT("text");

    private final String sql;

    ColumnType(String sql) {
        this.sql = sql;
    }

    public String sql() {
        return sql;
    }

    /** The type named {@code name} (also PostgreSQL's spellings, e.g. int8, timestamp with time zone); or null. */
    public static ColumnType parse(String name) {
        if (name == null) {
            return null;
        }
        return switch (name.strip().toLowerCase(Locale.ROOT)) {
            case "boolean", "bool" -> BOOLEAN;
            case "integer", "int", "int4", "smallint", "int2" -> INTEGER;
            case "bigint", "int8" -> BIGINT;
            case "numeric", "decimal", "double precision", "float8", "real", "float4" -> NUMERIC;
            case "date" -> DATE;
            case "timestamp", "timestamp without time zone" -> TIMESTAMP;
            case "timestamptz", "timestamp with time zone" -> TIMESTAMPTZ;
            case "jsonb", "json" -> JSONB;
            case "text", "character varying", "varchar", "character", "char", "bpchar", "uuid" -> TEXT;
            default -> null;
        };
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(ColumnType::sql).toList();
    }

    /** Whether a non-null text value is a valid literal of this type. */
    public boolean accepts(String v) {
        return switch (this) {
            case TEXT -> true;
            case BOOLEAN -> isBoolean(v);
            case INTEGER -> isInteger(v, 10) && fitsInt(v);
            case BIGINT -> isInteger(v, 19) && fitsLong(v);
            case NUMERIC -> isNumeric(v);
            case DATE -> isDate(v, 0) == v.length();
            case TIMESTAMP -> isTimestamp(v, false);
            case TIMESTAMPTZ -> isTimestamp(v, true);
            case JSONB -> !v.isEmpty() && (v.charAt(0) == '{' || v.charAt(0) == '[');
        };
    }

    /** The narrowest type of a single value (for inference). */
    static ColumnType of(String v, boolean structured) {
        if (structured) {
            return JSONB;
        }
        if (isBoolean(v)) {
            return BOOLEAN;
        }
        if (isInteger(v, 19)) {
            if (fitsInt(v)) {
                return INTEGER;
            }
            if (fitsLong(v)) {
                return BIGINT;
            }
            return NUMERIC;
        }
        if (isNumeric(v)) {
            return NUMERIC;
        }
        if (isDate(v, 0) == v.length()) {
            return DATE;
        }
        if (isTimestamp(v, false)) {
            return TIMESTAMP;
        }
        if (isTimestamp(v, true)) {
            return TIMESTAMPTZ;
        }
        return TEXT;
    }

    /** The type that holds values of both types. */
    static ColumnType widen(ColumnType a, ColumnType b) {
        if (a == null) {
            return b;
        }
        if (b == null || a == b) {
            return a;
        }
        if (isNumber(a) && isNumber(b)) {
            return a.ordinal() > b.ordinal() ? a : b;
        }
        if ((a == TIMESTAMP && b == DATE) || (a == DATE && b == TIMESTAMP)) {
            return TIMESTAMP;
        }
        return TEXT;
    }

    private static boolean isNumber(ColumnType t) {
        return t == INTEGER || t == BIGINT || t == NUMERIC;
    }

    private static boolean isBoolean(String v) {
        return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
    }

    private static boolean isInteger(String v, int maxDigits) {
        int n = v.length();
        int i = 0;
        if (n > 0 && (v.charAt(0) == '-' || v.charAt(0) == '+')) {
            i = 1;
        }
        if (i == n || n - i > maxDigits) {
            return false;
        }
        for (; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean fitsInt(String v) {
        if (v.length() < 10) {
            return true;
        }
        long value = Long.parseLong(v);
        return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE;
    }

    private static boolean fitsLong(String v) {
        if (v.length() < 19) {
            return true;
        }
        try {
            Long.parseLong(v);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean isNumeric(String v) {
        int n = v.length();
        int i = 0;
        if (n > 0 && (v.charAt(0) == '-' || v.charAt(0) == '+')) {
            i = 1;
        }
        int digits = 0;
        boolean dot = false;
        for (; i < n; i++) {
            char c = v.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !dot) {
                dot = true;
            } else if ((c == 'e' || c == 'E') && digits > 0) {
                try {
                    new BigDecimal(v);
                    return true;
                } catch (NumberFormatException e) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return digits > 0;
    }

    /** Parses yyyy-MM-dd at {@code from}; returns the index after it, or -1. */
    private static int isDate(String v, int from) {
        if (v.length() < from + 10 || v.charAt(from + 4) != '-' || v.charAt(from + 7) != '-') {
            return -1;
        }
        int year = digits(v, from, 4);
        int month = digits(v, from + 5, 2);
        int day = digits(v, from + 8, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) {
            return -1;
        }
        return from + 10;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** yyyy-MM-dd[T ]HH:mm[:ss[.f{1,6}]] and, with a zone, Z or ±HH[:MM]. */
    private static boolean isTimestamp(String v, boolean zoned) {
        int i = isDate(v, 0);
        if (i < 0 || v.length() < i + 6) {
            return false;
        }
        char sep = v.charAt(i);
        if (sep != 'T' && sep != ' ') {
            return false;
        }
        int hour = digits(v, i + 1, 2);
        if (v.charAt(i + 3) != ':' || hour < 0 || hour > 23 || minuteOrSecond(v, i + 4) < 0) {
            return false;
        }
        i += 6;
        if (i < v.length() && v.charAt(i) == ':') {
            if (i + 3 > v.length() || minuteOrSecond(v, i + 1) < 0) {
                return false;
            }
            i += 3;
            if (i < v.length() && v.charAt(i) == '.') {
                int start = ++i;
                while (i < v.length() && v.charAt(i) >= '0' && v.charAt(i) <= '9') {
                    i++;
                }
                if (i == start || i - start > 6) {
                    return false;
                }
            }
        }
        if (i == v.length()) {
            return !zoned;
        }
        if (!zoned) {
            return false;
        }
        char z = v.charAt(i);
        if (z == 'Z' || z == 'z') {
            return i + 1 == v.length();
        }
        if (z != '+' && z != '-') {
            return false;
        }
        String zone = v.substring(i + 1);
        return zone.matches("(0\\d|1[0-4])(:?[0-5]\\d)?");
    }

    private static int minuteOrSecond(String v, int at) {
        int value = digits(v, at, 2);
        return value > 59 ? -1 : value;
    }

    private static int digits(String v, int at, int count) {
        if (at + count > v.length()) {
            return -1;
        }
        int value = 0;
        for (int i = at; i < at + count; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
