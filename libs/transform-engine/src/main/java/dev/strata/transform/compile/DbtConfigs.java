package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The model, seed and snapshot configs Strata knows: the ones it runs, the ones that change nothing in the warehouse
 * (docs, meta), and those it does not run yet, which are refused with a sentence rather than ignored.
 */
final class DbtConfigs {

    private DbtConfigs() {
    }

    /** Configs that Strata runs, or that dbt itself only records (docs, meta, description, group, access). */
    private static final Set<String> KNOWN = Set.of("enabled", "materialized", "schema", "alias", "tags", "meta",
            "docs", "description", "group", "access", "persist_docs", "pre_hook", "post_hook", "pre-hook", "post-hook",
            "unique_key", "full_refresh", "on_schema_change", "incremental_strategy", "column_types", "quote_columns",
            "delimiter", "target_schema", "strategy", "updated_at", "check_cols", "invalidate_hard_deletes",
            "severity", "labels", "packages", "quoting", "database", "target_database", "contract", "grants",
            "incremental_predicates", "hard_deletes", "indexes", "unlogged", "sql_header", "event_time",
            "batch_size", "lookback", "begin", "concurrent_batches", "snapshot_meta_column_names",
            "dbt_valid_to_current", "store_failures", "store_failures_as", "where", "limit", "warn_if", "error_if",
            "fail_calc", "transient", "copy_grants", "bind");

    /** The problems of a node's merged config, as sentences (empty when Strata runs it as dbt would). */
    static List<String> problems(String node, Map<String, Object> config) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : config.entrySet()) {
            String key = e.getKey();
            Object v = e.getValue();
            if (!KNOWN.contains(key)) {
                out.add(node + ": config '" + key + "' is not a dbt config Strata knows; remove it or check its"
                        + " spelling");
                continue;
            }
            String text = v == null ? null : String.valueOf(v).toLowerCase(Locale.ROOT);
            String notYet = switch (key) {
                case "database", "target_database" -> v == null
                        ? null
                        : "a project builds in its namespace's warehouse only";
                case "on_schema_change" -> text == null || Set.of("ignore", "fail", "append_new_columns",
                        "sync_all_columns").contains(text)
                                ? null
                                : "on_schema_change '" + v + "' is not one of ignore, fail, append_new_columns,"
                                        + " sync_all_columns";
                case "incremental_strategy" -> text == null || Set.of("append", "merge", "delete+insert").contains(
                        text) ? null : "incremental_strategy '" + v + "' is not run (append, merge, delete+insert)";
                case "incremental_predicates" -> v == null || v instanceof String || v instanceof List<?>
                        ? null
                        : "incremental_predicates must be a list of SQL conditions";
                case "hard_deletes" -> text == null || text.equals("ignore") || text.equals("invalidate")
                        ? null
                        : "hard_deletes '" + v + "' is not run yet (ignore, invalidate)";
                case "indexes", "sql_header", "event_time", "batch_size", "snapshot_meta_column_names",
                        "dbt_valid_to_current" ->
                    v == null ? null : "'" + key + "' is not run yet";
                default -> null;
            };
            if (notYet != null) {
                out.add(node + ": config '" + key + "' is not supported by Strata yet: " + notYet);
            }
        }
        return out;
    }
}
