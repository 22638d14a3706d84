package dev.strata.transform.compile;

/**
 * What {@code ref()}, {@code source()} and {@code this} return in a template: prints as {@code "schema"."table"} and
 * exposes {@code schema}, {@code identifier}, {@code name} like dbt's relation. For models, the parts are tokens that
 * the compiler replaces once every model's own {@code config()} is known.
 */
public record Relation(String schema, String identifier, String model) {

    public String getSchema() { return schema; }

    public String getIdentifier() { return identifier; }

    public String getName() { return identifier; }

    public String getTable() { return identifier; }

    /** dbt's {@code relation.database}: the one warehouse database ({@code target.database}). */
    public String getDatabase() {
        return "warehouse";
    }

    @Override
    public String toString() {
        if (model != null) {
            return JinjaFunctions.modelToken(model, "R");
        }
        return schema == null ? quote(String.valueOf(identifier)) : quote(schema) + "." + quote(identifier);
    }

    public static String quote(String identifier) {
        if (identifier.indexOf('\u0001') >= 0) {
            return identifier;
        }
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
