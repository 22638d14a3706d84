package dev.strata.warehouse;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one namespace rule of the platform and the one mapping of a namespace to its names in Postgres and S3 (ADR
 * 0005). Every service, the launcher and the chart use these, so a name that is valid in one place is valid everywhere.
 *
 * <p>
 * A namespace is 1 to {@value #MAX_LENGTH} characters: lower-case letters and digits, in words joined by single
 * {@code -}, starting with a letter ({@code sales}, {@code sales-eu}, {@code team2}). In Postgres a namespace is
 * written with {@code _} for {@code -} ({@code sales_eu}); because a namespace has no {@code --}, that name never holds
 * {@code __}, so the schema {@code <pg>__<schema>} maps back to exactly one namespace and one schema.
 */
public final class Namespaces {

    /** Room for the role prefix and a schema suffix inside Postgres' 63 characters. */
    public static final int MAX_LENGTH = 30;
    /** The longest schema name inside a namespace, e.g. {@code silver} in {@code sales__silver}. */
    public static final int MAX_SCHEMA_LENGTH = 63 - MAX_LENGTH - 2;
    public static final String RULE_TEXT = "1 to " + MAX_LENGTH + " lower-case letters and digits, words joined by "
            + "single '-', starting with a letter (e.g. 'sales', 'sales-eu')";
    /** The rule as a regular expression, also used by the chart's values schema. */
    public static final Pattern RULE = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final String ROLE_PREFIX = "strata_ns_";
    private static final String READER_PREFIX = "strata_nsr_";
    private static final String SEPARATOR = "__";

    /** The warehouse layers every namespace has from its first use. */
    public static final java.util.List<String> LAYERS = java.util.List.of("raw", "bronze", "silver", "gold",
            "quarantine");

    private Namespaces() {
    }

    /** Why {@code namespace} is not a valid name, or empty when it is. */
    public static Optional<String> problem(String namespace) {
        if (namespace == null || namespace.isEmpty()) {
            return Optional.of("a namespace is required: " + RULE_TEXT);
        }
        if (namespace.length() > MAX_LENGTH || !RULE.matcher(namespace).matches()) {
            return Optional.of("namespace '" + printable(namespace) + "' is not valid: use " + RULE_TEXT);
        }
        return Optional.empty();
    }

    public static boolean isValid(String namespace) {
        return problem(namespace).isEmpty();
    }

    /** Returns {@code namespace}, or throws {@link IllegalArgumentException} with the rule. */
    public static String require(String namespace) {
        problem(namespace).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return namespace;
    }

    /** The namespace as a Postgres name part: {@code sales-eu} → {@code sales_eu}. */
    public static String pgName(String namespace) {
        return require(namespace).replace('-', '_');
    }

    /** The namespace's own Postgres role: owns its schemas, has no right elsewhere. */
    public static String role(String namespace) {
        return ROLE_PREFIX + pgName(namespace);
    }

    /**
     * The namespace's read-only login role: USAGE on the namespace's schemas and SELECT on their tables, nothing else.
     * Analysts' SQL runs as it (the owner role {@link #role} can write).
     */
    public static String readerRole(String namespace) {
        return READER_PREFIX + pgName(namespace);
    }

    /** The namespace a role name stands for, if it is a namespace role. */
    public static Optional<String> namespaceOfRole(String role) {
        if (role == null || !role.startsWith(ROLE_PREFIX)) {
            return Optional.empty();
        }
        String ns = role.substring(ROLE_PREFIX.length()).replace('_', '-');
        return isValid(ns) ? Optional.of(ns) : Optional.empty();
    }

    /** Why {@code schema} cannot be a schema name inside a namespace, or empty when it can. */
    public static Optional<String> schemaProblem(String schema) {
        if (schema == null || schema.isEmpty() || !SCHEMA.matcher(schema).matches()) {
            return Optional.of("schema '" + printable(schema) + "' is not valid: use lower-case letters, digits "
                    + "and '_', starting with a letter or '_'");
        }
        if (schema.length() > MAX_SCHEMA_LENGTH) {
            return Optional.of("schema '" + printable(schema) + "' is longer than " + MAX_SCHEMA_LENGTH
                    + " characters, the most that fits inside a namespace");
        }
        return Optional.empty();
    }

    /**
     * The Postgres schema that holds {@code schema} of {@code namespace}: {@code (sales-eu, gold)} →
     * {@code sales_eu__gold}. Every relation a namespace creates lives in such a schema.
     */
    public static String schema(String namespace, String schema) {
        String pg = pgName(namespace);
        String lower = schema == null ? null : schema.toLowerCase(java.util.Locale.ROOT);
        schemaProblem(lower).ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
        return pg + SEPARATOR + lower;
    }

    /** The namespace a Postgres schema belongs to ({@code sales_eu__gold} → {@code sales-eu}), if any. */
    public static Optional<String> namespaceOfSchema(String pgSchema) {
        int at = pgSchema == null ? -1 : pgSchema.indexOf(SEPARATOR);
        if (at <= 0) {
            return Optional.empty();
        }
        String ns = pgSchema.substring(0, at).replace('_', '-');
        return isValid(ns) && schemaProblem(pgSchema.substring(at + 2)).isEmpty() ? Optional.of(ns) : Optional.empty();
    }

    /** The schema name inside its namespace ({@code sales_eu__gold} → {@code gold}), if it is a namespace schema. */
    public static Optional<String> localSchema(String pgSchema) {
        return namespaceOfSchema(pgSchema).map(ns -> pgSchema.substring(pgSchema.indexOf(SEPARATOR) + 2));
    }

    /**
     * The namespace's prefix in the lake bucket, {@code ns/<namespace>/}: everything Strata stores for a namespace
     * (raw copies, uploads, project versions) lies under it, and a load spec may only read below it.
     */
    public static String lakePrefix(String namespace) {
        return "ns/" + require(namespace) + "/";
    }

    /** A value safe to repeat in a message: at most 80 characters, no control characters. */
    public static String printable(String value) {
        if (value == null) {
            return "";
        }
        String clean = value.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 80 ? clean : clean.substring(0, 77) + "...";
    }
}
