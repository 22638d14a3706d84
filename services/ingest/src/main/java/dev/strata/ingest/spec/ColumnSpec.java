package dev.strata.ingest.spec;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.strata.ingest.load.ColumnType;

/** A declared column: its name, its warehouse type and what it means. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnSpec(String name, String type, String description) {

    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (name == null || !LoadSpec.COLUMN.matcher(name).matches()) {
            problems.add("column name '" + name + "' is not an identifier ([A-Za-z_][A-Za-z0-9_]*)");
        }
        if (type != null && ColumnType.parse(type) == null) {
            problems.add("column " + name + ": type '" + type + "' is not one of " + ColumnType.names());
        }
        return problems;
    }
}
