package dev.strata.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.SqlCompiler;
import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.Selector;
import dev.strata.transform.project.ArchiveTooLargeException;
import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectProblem;
import dev.strata.warehouse.Namespaces;

/**
 * {@code project validate|compile FOLDER}: the transform engine (libs/transform-engine) run on this machine, without a
 * platform. It reads exactly what {@code project push} sends (the folder zipped the same way, unpacked within the
 * same limits) and compiles it the way the transform service does on a push, so a folder that validates here is
 * accepted there (except for {@code env_var()} values the platform sets and this machine does not).
 */
final class OfflineProject {

    /** The transform service's default of {@code strata.transform.default-schema}. */
    static final String DEFAULT_SCHEMA = "silver";

    /** The engine's messages start with "column N: " when they know it. */
    private static final Pattern COLUMN = Pattern.compile("column (\\d+): (.*)", Pattern.DOTALL);

    private OfflineProject() {
    }

    /** {@code file:line:column: message} as compilers print it (line and column only when known), {@code file} the
     * problem's file as the user sees it. */
    static String describe(String file, ProjectProblem problem) {
        String where = file;
        String message = problem.message();
        if (problem.line() > 0) {
            where += ":" + problem.line();
            Matcher m = COLUMN.matcher(message);
            if (m.matches()) {
                where += ":" + m.group(1);
                message = m.group(2);
            }
        }
        return where + ": " + message;
    }

    /** Options shared by both verbs. */
    abstract static class Base extends ApiCommand {
        @Parameters(paramLabel = "FOLDER", description = "The project's folder (the one with dbt_project.yml).")
        Path folder;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NS", description = "The namespace whose schemas the"
                + " SQL names (<ns>__silver...); default: dev.")
        String namespace = "dev";

        @Option(names = "--var", paramLabel = "KEY=VALUE", description = "A dbt var, as build --var sets it.")
        Map<String, String> vars = new LinkedHashMap<>();

        /** Compiles the folder; prints every problem as file:line:column on stderr and fails with exit code 7. */
        CompiledProject compile() {
            Namespaces.problem(namespace).ifPresent(problem -> {
                throw new StrataException(ExitCodes.USAGE, problem, null);
            });
            byte[] archive = ProjectCommand.zip(folder);
            try {
                return SqlCompiler.compileFiles(ProjectFiles.fromArchive(archive), namespace, vars, DEFAULT_SCHEMA);
            } catch (ArchiveTooLargeException e) {
                throw new StrataException(ExitCodes.INVALID, folder + ": " + e.getMessage(), null);
            } catch (ProjectException e) {
                for (ProjectProblem problem : e.problems()) {
                    err().println(describe(folder.resolve(problem.file()).normalize().toString(), problem));
                }
                int n = e.problems().size();
                throw new StrataException(ExitCodes.INVALID, folder + " does not compile: " + n + " problem"
                        + (n == 1 ? "" : "s") + " (above); fix them and run strata project validate again", null);
            }
        }
    }

    @Command(name = "validate", description = "Check a project folder on this machine, no platform needed: the"
            + " transform engine loads and compiles it as a push would; problems as file:line:column (exit code 7).", footer = {
                    "", "Example:", "  strata project validate ./shop"})
    static final class Validate extends Base {
        @Override
        public Integer call() {
            CompiledProject compiled = compile();
            if (output != Format.table) {
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("project", compiled.project().name());
                summary.put("namespace", namespace);
                summary.put("models", compiled.models().size());
                summary.put("tests", compiled.tests().size());
                printStructured(Api.json().valueToTree(summary));
            } else {
                out().println(folder + ": project " + compiled.project().name() + " compiles: "
                        + compiled.models().size() + " models, " + compiled.tests().size() + " tests.");
                out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "compile", description = "Print the compiled SQL of a project's models, on this machine (no"
            + " platform needed), in build order; --select/--exclude as in build.", footer = {"", "Examples:",
                    "  strata project compile ./shop --select +sales_summary",
                    "  strata project compile ./shop --select tag:gold -n sales -o json"})
    static final class Compile extends Base {
        @Option(names = "--select", paramLabel = "SELECTOR", description = "dbt node selection (default: all).")
        String select;

        @Option(names = "--exclude", paramLabel = "SELECTOR")
        String exclude;

        @Override
        public Integer call() {
            CompiledProject compiled = compile();
            Set<String> selected = Selector.select(compiled, select, exclude);
            List<CompiledModel> models = new ArrayList<>();
            for (String name : Plan.topologicalOrder(compiled)) {
                CompiledModel model = compiled.models().get(name);
                if (model != null && selected.contains(name)) {
                    models.add(model);
                }
            }
            if (output != Format.table) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (CompiledModel m : models) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("name", m.name());
                    row.put("file", m.file());
                    row.put("materialized", m.materialized());
                    row.put("relation", m.ephemeral() ? null : m.relation());
                    row.put("sql", m.sql());
                    rows.add(row);
                }
                printStructured(Api.json().valueToTree(rows));
                return ExitCodes.OK;
            }
            if (models.isEmpty()) {
                err().println("No model matches --select " + (select == null ? "" : select)
                        + (exclude == null ? "" : " --exclude " + exclude) + ".");
            }
            for (CompiledModel m : models) {
                out().println("-- " + m.name() + " (" + m.file() + ", " + m.materialized()
                        + (m.ephemeral() ? ", inlined as a CTE where it is used" : " -> " + m.relation()) + ")");
                String sql = m.sql().strip();
                out().println(sql.endsWith(";") ? sql : sql + ";");
                out().println();
            }
            out().flush();
            return ExitCodes.OK;
        }
    }
}
