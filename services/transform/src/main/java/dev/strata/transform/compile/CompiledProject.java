package dev.strata.transform.compile;

import java.util.List;
import java.util.Map;

import dev.strata.transform.project.Project;

/**
 * A compiled project: every model and seed with its SQL and dependencies, every test with its query.
 *
 * @param project the loaded project
 * @param models  models and seeds by name, in file order
 * @param tests   data tests
 */
public record CompiledProject(Project project, Map<String, CompiledModel> models, List<CompiledTest> tests,
        SqlCompiler compiler) {

    public CompiledModel model(String name) {
        return models.get(name);
    }
}
