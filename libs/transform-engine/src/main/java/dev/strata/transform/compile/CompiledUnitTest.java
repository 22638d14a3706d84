package dev.strata.transform.compile;

import java.util.List;
import java.util.Map;

import dev.strata.transform.project.UnitTest;

/**
 * A unit test ready to run: the model's SQL with each input it reads replaced by a CTE of the given rows.
 *
 * @param test   the declaration
 * @param sql    the model's SQL reading the CTEs of {@code inputs} (not yet defined: the runner puts them in front)
 * @param inputs the given inputs, in order
 */
public record CompiledUnitTest(UnitTest test, String sql, List<Input> inputs) {

    /**
     * One input as a CTE.
     *
     * @param cte        the CTE's name in {@code sql}
     * @param input      as written ({@code ref('orders')})
     * @param schema     the schema of the relation it stands for (its column types are taken from it when it exists)
     * @param identifier that relation's name
     * @param rows       the given rows
     */
    public record Input(String cte, String input, String schema, String identifier, List<Map<String, Object>> rows) {
    }

    public String name() {
        return test.name();
    }

    public String model() {
        return test.model();
    }
}
