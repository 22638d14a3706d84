package dev.strata.transform.project;

/**
 * A table declared under {@code sources:} in a schema.yml; models read it with {@code source('source', 'table')}.
 *
 * @param source          the source name
 * @param name            the table name in the project
 * @param schema          the warehouse schema (default: the source name)
 * @param identifier      the warehouse table (default: the name)
 * @param loadedAtField   column or expression telling when a row was loaded; {@code null}: no freshness check
 * @param warnAfterSecs   freshness warn threshold in seconds, or 0
 * @param errorAfterSecs  freshness error threshold in seconds, or 0
 * @param file            the schema.yml declaring it
 */
public record SourceTable(String source, String name, String schema, String identifier, String loadedAtField,
        long warnAfterSecs, long errorAfterSecs, String file) {

    public String key() {
        return source + "." + name;
    }
}
