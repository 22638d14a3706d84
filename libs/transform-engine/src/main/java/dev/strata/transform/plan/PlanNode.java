package dev.strata.transform.plan;

import java.util.Set;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledTest;
import dev.strata.transform.compile.CompiledUnitTest;

/**
 * One step of a build: a model or seed to materialize, a data test or a unit test to run. Exactly one of
 * {@code model}, {@code test} and {@code unitTest} is set.
 *
 * @param id        {@code model.<name>}, {@code test.<id>} or {@code unit_test.<name>}
 * @param model     the model or seed
 * @param test      the data test
 * @param unitTest  the unit test
 * @param dependsOn ids of the steps that must succeed first
 */
public record PlanNode(String id, CompiledModel model, CompiledTest test, CompiledUnitTest unitTest,
        Set<String> dependsOn) {

    public PlanNode(String id, CompiledModel model, CompiledTest test, Set<String> dependsOn) {
        this(id, model, test, null, dependsOn);
    }

    /** A data test (not a unit test). */
    public boolean isTest() { return test != null; }

    public boolean isUnitTest() { return unitTest != null; }

    public String name() {
        return model != null ? model.name() : test != null ? test.test().id() : unitTest.name();
    }
}
