package dev.strata.transform.project;

import java.util.List;
import java.util.Map;

/**
 * A loaded project: everything in it, parsed but not compiled.
 *
 * @param name    the project's name from dbt_project.yml
 * @param vars    project variables
 * @param models  by name
 * @param seeds   by name
 * @param sources by {@code source.table}
 * @param tests   generic and singular tests
 * @param macros  macro files (path → text), rendered before every model
 * @param docs    {% docs %} blocks by name
 * @param files   every text file of the project by path: what {@code {% include %}}, {@code {% import %}} and
 *                {@code {% from %}} may read
 * @param unitTests dbt 1.8 unit tests ({@code unit_tests:})
 */
public record Project(String name, Map<String, Object> vars, Map<String, Model> models, Map<String, Seed> seeds,
        Map<String, SourceTable> sources, List<DataTest> tests, Map<String, String> macros, Map<String, String> docs,
        Map<String, String> files, List<UnitTest> unitTests) {
}
