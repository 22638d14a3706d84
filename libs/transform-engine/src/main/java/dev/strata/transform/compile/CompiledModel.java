package dev.strata.transform.compile;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model (or seed) ready to run.
 *
 * @param name         model name
 * @param file         its file
 * @param kind         {@code model} or {@code seed}
 * @param schema       warehouse schema
 * @param identifier   warehouse table or view name
 * @param materialized view, table, incremental, ephemeral or seed
 * @param uniqueKey    incremental merge key columns (empty: append)
 * @param tags         tags
 * @param refLines     models and seeds it reads, with the line of their first ref()
 * @param sources      sources it reads ({@code source.table})
 * @param sql          the SQL with {@code is_incremental()} false; ephemeral refs are CTE names
 * @param config       the merged configuration
 */
public record CompiledModel(String name, String file, String kind, String schema, String identifier,
        String materialized, List<String> uniqueKey, List<String> tags, Map<String, Integer> refLines,
        Set<String> sources,
        String sql, Map<String, Object> config) {

    public String relation() {
        return Relation.quote(schema) + "." + Relation.quote(identifier);
    }

    public Set<String> refs() {
        return refLines.keySet();
    }

    public boolean ephemeral() {
        return "ephemeral".equals(materialized);
    }

    public String folderPath() {
        return file;
    }
}
