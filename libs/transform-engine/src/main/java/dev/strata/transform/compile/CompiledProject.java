package dev.strata.transform.compile;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.project.Project;
import dev.strata.warehouse.Namespaces;

/**
 * A compiled project: every model and seed with its SQL and dependencies, every test with its query, for one
 * namespace (every relation it names is in that namespace's schemas).
 *
 * @param project   the loaded project (its sources' schemas resolved inside the namespace)
 * @param namespace the namespace it is compiled for
 * @param models    models and seeds by name, in file order
 * @param tests     data tests
 * @param unitTests unit tests (run before their model, which they stop when they fail)
 */
public record CompiledProject(Project project, String namespace, Map<String, CompiledModel> models,
        List<CompiledTest> tests, List<CompiledUnitTest> unitTests, SqlCompiler compiler) {

    /** The schema that keeps the failing rows of tests, inside the namespace. */
    public static final String QUARANTINE = "quarantine";

    public CompiledModel model(String name) {
        return models.get(name);
    }

    /** The Postgres schema of the namespace's quarantine ({@code <ns>__quarantine}). */
    public String quarantineSchema() {
        return Namespaces.schema(namespace, QUARANTINE);
    }

    /**
     * The schemas (names inside the namespace) the build writes: those of its models, seeds and snapshots, and the
     * quarantine. The platform makes them, owned by the namespace's role, before the build runs.
     */
    public Set<String> writtenSchemas() {
        Set<String> out = new LinkedHashSet<>();
        for (CompiledModel m : models.values()) {
            if (!m.ephemeral()) {
                Namespaces.localSchema(m.schema()).ifPresent(out::add);
            }
        }
        out.add(QUARANTINE);
        return out;
    }
}
