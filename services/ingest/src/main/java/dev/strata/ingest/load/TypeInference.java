package dev.strata.ingest.load;

import java.util.ArrayList;
import java.util.List;

/** Infers a column type from the values of a sample of records. */
final class TypeInference {

    private final List<ColumnType> types = new ArrayList<>();

    void add(RecordReader records) {
        int width = Math.min(records.size(), records.columns().size());
        while (types.size() < records.columns().size()) {
            types.add(null);
        }
        for (int i = 0; i < width; i++) {
            String value = records.get(i);
            if (value != null) {
                types.set(i, ColumnType.widen(types.get(i), ColumnType.of(value, records.structured(i))));
            }
        }
    }

    /** The inferred type of column {@code i}: text when no value was seen. */
    ColumnType type(int i) {
        ColumnType type = i < types.size() ? types.get(i) : null;
        return type == null ? ColumnType.TEXT : type;
    }
}
