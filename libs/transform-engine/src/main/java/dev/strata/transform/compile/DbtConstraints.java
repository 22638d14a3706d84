package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.strata.transform.project.Constraint;
import dev.strata.transform.project.Model;
import dev.strata.transform.project.ProjectProblem;

/**
 * dbt's model contract constraints for Postgres (docs.getdbt.com/reference/resource-properties/constraints): with
 * {@code contract: {enforced: true}} on a table or incremental model, the table is created with its yml's columns,
 * data types and constraints, then filled ({@code create table (...); insert into ... select}), as dbt-postgres's
 * {@code postgres__create_table_as} does; Postgres enforces every type (dbt-postgres's {@code CONSTRAINT_SUPPORT}), so a
 * row that violates one fails the build. Rendered as dbt-adapters' {@code render_column_constraint} and
 * {@code render_model_constraint}. Without an enforced contract dbt creates no constraint, and neither does Strata. On
 * a view dbt ignores them with a warning unless the constraint says {@code warn_unsupported: false}; Strata, which has
 * no warnings at push, refuses such a constraint instead of dropping it.
 */
final class DbtConstraints {

    private DbtConstraints() {
    }

    /**
     * What a table built for a model is made of.
     *
     * @param elements     the {@code create table} elements: each column with its type and column constraints, then
     *                     the model-level constraints
     * @param indexNames   names given to unique and primary key constraints (their indexes are named so too)
     * @param refs         models a foreign key's {@code to: ref(...)} names (built first, as dbt does)
     */
    record Table(List<String> elements, List<String> indexNames, Map<String, Integer> refs) {
    }

    /**
     * The table of {@code model} when its contract is enforced and it has constraints, else {@code null}. Problems are
     * added to {@code problems}; {@code target} gives the relation a foreign key's {@code to} names (or null).
     */
    static Table compile(Model model, String materialized, Map<String, String> contract,
            Function<String, String> target, Function<String, String> targetModel, List<ProjectProblem> problems) {
        if (model.constraints().isEmpty() || contract.isEmpty()) {
            return null; // dbt: constraints need an enforced contract, and are not created without one
        }
        if (!materialized.equals("table") && !materialized.equals("incremental")) {
            for (Constraint c : model.constraints()) {
                if (c.warnUnsupported()) {
                    problems.add(new ProjectProblem(c.file(), c.line(), "model " + model.name() + ": a " + c.type()
                            + " constraint is not created on a " + materialized + " (dbt ignores it with a warning);"
                            + " materialize the model as table or incremental, or set 'warn_unsupported: false' on"
                            + " the constraint"));
                }
            }
            return null;
        }
        int before = problems.size();
        Map<String, List<String>> byColumn = new LinkedHashMap<>();
        List<String> modelLevel = new ArrayList<>();
        List<String> indexNames = new ArrayList<>();
        Map<String, Integer> refs = new LinkedHashMap<>();
        for (Constraint c : model.constraints()) {
            String where = "model " + model.name() + (c.column() == null ? "" : ", column " + c.column()) + ": "
                    + c.type() + " constraint";
            List<String> unknown = c.columns().stream().filter(col -> !contract.containsKey(col)).toList();
            if (!unknown.isEmpty()) {
                problems.add(new ProjectProblem(c.file(), c.line(), where + " names column '" + unknown.get(0)
                        + "', which its contract does not declare (" + String.join(", ", contract.keySet()) + ")"));
                continue;
            }
            String references = null;
            if (c.type().equals("foreign_key") && c.to() != null && !c.toColumns().isEmpty()) {
                String relation = target.apply(c.to());
                if (relation == null) {
                    problems.add(new ProjectProblem(c.file(), c.line(), where + ": 'to: " + c.to() + "' is not"
                            + " ref('<model>') or source('<source>', '<table>') of this project (an ephemeral model"
                            + " has no table)"));
                    continue;
                }
                String parent = targetModel.apply(c.to());
                if (parent != null && !parent.equals(model.name())) {
                    refs.put(parent, c.line());
                }
                references = relation + " (" + String.join(", ", c.toColumns()) + ")";
            }
            String expression = c.expression() == null ? "" : c.expression();
            if (c.name() != null && (c.type().equals("unique") || c.type().equals("primary_key"))) {
                indexNames.add(c.name());
            }
            if (c.column() != null) {
                // dbt-adapters render_column_constraint: no name, the expression after the keyword
                String rendered = switch (c.type()) {
                    case "check" -> "check (" + expression + ")";
                    case "not_null" -> "not null " + expression;
                    case "unique" -> "unique " + expression;
                    case "primary_key" -> "primary key " + expression;
                    case "foreign_key" -> "references " + (references != null ? references : expression);
                    default -> expression;
                };
                byColumn.computeIfAbsent(c.column(), k -> new ArrayList<>()).add(rendered.strip());
            } else {
                // dbt-adapters render_model_constraint
                String prefix = c.name() == null ? "" : "constraint " + c.name() + " ";
                String columns = String.join(", ", c.columns());
                String extra = expression.isEmpty() ? "" : " " + expression;
                String rendered = switch (c.type()) {
                    case "check" -> "check (" + expression + ")";
                    case "unique" -> "unique" + extra + " (" + columns + ")";
                    case "primary_key" -> "primary key" + extra + " (" + columns + ")";
                    case "foreign_key" -> "foreign key (" + columns + ") references " + (references != null
                            ? references
                            : expression);
                    default -> expression;
                };
                modelLevel.add(prefix + rendered);
            }
        }
        if (problems.size() > before) {
            return null;
        }
        List<String> elements = new ArrayList<>();
        contract.forEach((col, type) -> elements.add((Relation.quote(col) + " " + type + " " + String.join(" ",
                byColumn.getOrDefault(col, List.of()))).strip()));
        elements.addAll(modelLevel);
        return new Table(List.copyOf(elements), List.copyOf(indexNames), refs);
    }
}
