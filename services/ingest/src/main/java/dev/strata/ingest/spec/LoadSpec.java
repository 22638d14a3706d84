package dev.strata.ingest.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.strata.events.LoadModes;
import dev.strata.warehouse.Namespaces;

/**
 * What to load and how: the load spec of the contract between services (owned by ingest, stored by the registry as a
 * dataset's source settings).
 *
 * @param namespace the dataset's namespace (the platform's one rule, {@link Namespaces}); its tables go to
 *                  {@code <namespace>__raw}, e.g. {@code sales_eu__raw.orders}
 * @param name      the dataset's name
 * @param source    where the data comes from
 * @param format    how the bytes are written (ignored for JDBC)
 * @param loadMode  replace (the default, {@link LoadModes#DEFAULT}) | append | merge
 * @param mergeKey  the key columns of a merge
 * @param contract  evolve | freeze | discard_row | quarantine
 * @param columns   declared columns (name, type, description); inferred from a sample when empty
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoadSpec(String namespace, String name, SourceSpec source, FormatSpec format, String loadMode,
        List<String> mergeKey, String contract, List<ColumnSpec> columns) {

    /** Dataset names: lower-case identifiers, usable as table names. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** Column names: identifiers, as written in headers after normalization. */
    public static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    public LoadSpec {
        format = format == null ? FormatSpec.DEFAULT : format;
        loadMode = loadMode == null ? LoadModes.DEFAULT : loadMode.toLowerCase(Locale.ROOT);
        contract = contract == null ? "evolve" : contract.toLowerCase(Locale.ROOT);
        mergeKey = mergeKey == null ? List.of() : List.copyOf(mergeKey);
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    /**
     * A spec that arrived in an event or that ingest stored itself: a field this version does not know is ignored
     * (a newer producer may add one). What a caller sends to the REST API is read strictly instead.
     */
    public static LoadSpec readLenient(ObjectMapper json, String spec) throws JsonProcessingException {
        return json.readerFor(LoadSpec.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(spec);
    }

    public LoadMode mode() {
        return LoadMode.valueOf(loadMode.toUpperCase(Locale.ROOT));
    }

    public ContractMode contractMode() {
        return ContractMode.valueOf(contract.toUpperCase(Locale.ROOT));
    }

    public String qualifiedName() {
        return namespace + "." + name;
    }

    /** Every problem of this spec, written for a person; empty when the spec is usable. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        Namespaces.problem(namespace).ifPresent(problems::add);
        if (name == null || !NAME.matcher(name).matches()) {
            problems.add("name must be a lower-case identifier ([a-z][a-z0-9_]*), got '" + name + "'");
        }
        if (source == null) {
            problems.add("source is required: {\"kind\":\"http|s3|upload|jdbc\", ...}");
        } else {
            problems.addAll(source.problems());
        }
        problems.addAll(format.problems());
        if (!LoadModes.ALL.contains(loadMode)) {
            problems.add("loadMode must be replace, append or merge, got '" + loadMode + "'");
        }
        if ("merge".equals(loadMode) && mergeKey.isEmpty()) {
            problems.add("loadMode merge needs mergeKey: the columns that identify a row, e.g. [\"id\"]");
        }
        for (String key : mergeKey) {
            if (key == null || !COLUMN.matcher(key).matches()) {
                problems.add("mergeKey column '" + key + "' is not a column name");
            }
        }
        if (!List.of("evolve", "freeze", "discard_row", "quarantine").contains(contract)) {
            problems.add("contract must be evolve, freeze, discard_row or quarantine, got '" + contract + "'");
        }
        for (ColumnSpec column : columns) {
            problems.addAll(column.problems());
        }
        return problems;
    }
}
