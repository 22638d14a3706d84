package dev.strata.transform.plan;

import java.util.Set;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledTest;

/**
 * One step of a build: a model or seed to materialize, or a test to run. Exactly one of {@code model} and
 * {@code test} is set.
 *
 * @param id        {@code model.<name>} or {@code test.<id>}
 * @param model     the model or seed
 * @param test      the test
 * @param dependsOn ids of the steps that must succeed first
 */
public record PlanNode(String id, CompiledModel model, CompiledTest test, Set<String> dependsOn) {

    public boolean isTest() { return test != null; }

    public String name() {
        return model != null ? model.name() : test.test().id();
    }
}
