package dev.strata.registry.version;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.strata.events.DatasetColumn;

/**
 * How the schema changed from one version to another: columns added, removed, or whose type changed (by column
 * name; a renamed column shows as one removed and one added).
 */
public record SchemaDiff(int from, int to, List<DatasetColumn> added, List<DatasetColumn> removed,
        List<TypeChange> typeChanged) {

    /** A column whose type changed. */
    public record TypeChange(String name, String from, String to) {
    }

    public boolean unchanged() {
        return added.isEmpty() && removed.isEmpty() && typeChanged.isEmpty();
    }

    static SchemaDiff between(DatasetVersion older, DatasetVersion newer) {
        Map<String, String> before = types(older.columns());
        Map<String, String> after = types(newer.columns());
        List<DatasetColumn> added = new ArrayList<>();
        List<TypeChange> changed = new ArrayList<>();
        for (DatasetColumn column : newer.columns()) {
            String previous = before.get(column.name());
            if (previous == null) {
                added.add(column);
            } else if (!previous.equalsIgnoreCase(column.type())) {
                changed.add(new TypeChange(column.name(), previous, column.type()));
            }
        }
        List<DatasetColumn> removed = older.columns().stream().filter(c -> !after.containsKey(c.name())).toList();
        return new SchemaDiff(older.number(), newer.number(), List.copyOf(added), removed, List.copyOf(changed));
    }

    private static Map<String, String> types(List<DatasetColumn> columns) {
        Map<String, String> types = new LinkedHashMap<>();
        columns.forEach(c -> types.put(c.name(), c.type()));
        return types;
    }
}
