package dev.strata.transform.lineage;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import net.sf.jsqlparser.expression.Expression;
import net.sf.jsqlparser.expression.ExpressionVisitorAdapter;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.select.FromItem;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.SelectItem;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.project.SourceTable;
import dev.strata.warehouse.Namespaces;

/**
 * Lineage of a model: model level from its refs and sources, column level from its compiled SQL (JSqlParser) where
 * it resolves: a plain SELECT whose output columns are made of columns of the tables in its FROM and JOINs. CTEs,
 * subqueries and {@code *} leave the columns of that input unresolved (the input is still listed).
 */
public final class ColumnLineage {

    private ColumnLineage() {
    }

    /**
     * The dataset a source table is: a table in a namespace's schema is a dataset of that namespace (ADR 0005), so
     * {@code sales__raw.orders}, where ingest loads {@code sales.orders}, is {@code sales.orders}; a table in a schema
     * of no namespace is {@code <namespace>.<table>}.
     */
    static String sourceDataset(String namespace, String schema, String identifier) {
        return Namespaces.namespaceOfSchema(schema).orElse(namespace) + "." + identifier;
    }

    /** The model's inputs as the registry's datasets ({@code <namespace>.<name>}). */
    public static List<Upstream> of(CompiledProject project, CompiledModel model, String namespace) {
        // relation "schema.table" → dataset name
        Map<String, String> datasets = new LinkedHashMap<>();
        for (String ref : model.refs()) {
            CompiledModel parent = project.model(ref);
            if (parent != null && !parent.ephemeral()) {
                datasets.put(key(parent.schema(), parent.identifier()), namespace + "." + parent.name());
            }
        }
        for (String source : model.sources()) {
            SourceTable t = project.project().sources().get(source);
            if (t != null) {
                datasets.put(key(t.schema(), t.identifier()), sourceDataset(namespace, t.schema(), t.identifier()));
            }
        }
        return of(model, datasets);
    }

    /** The model's inputs as warehouse relations ({@code <schema>.<table>}), as OpenLineage names them. */
    public static List<Upstream> ofRelations(CompiledProject project, CompiledModel model) {
        Map<String, String> datasets = new LinkedHashMap<>();
        for (String ref : model.refs()) {
            CompiledModel parent = project.model(ref);
            if (parent != null && !parent.ephemeral()) {
                datasets.put(key(parent.schema(), parent.identifier()), parent.schema() + "." + parent.identifier());
            }
        }
        for (String source : model.sources()) {
            SourceTable t = project.project().sources().get(source);
            if (t != null) {
                datasets.put(key(t.schema(), t.identifier()), t.schema() + "." + t.identifier());
            }
        }
        return of(model, datasets);
    }

    private static List<Upstream> of(CompiledModel model, Map<String, String> datasets) {
        Map<String, Set<Upstream.ColumnMapping>> columns = new LinkedHashMap<>();
        datasets.values().forEach(d -> columns.put(d, new LinkedHashSet<>()));
        try {
            resolve(model.sql(), datasets, columns);
        } catch (Exception | StackOverflowError e) {
            // not parseable here: model-level lineage only
        }
        List<Upstream> out = new ArrayList<>();
        columns.forEach((d, cols) -> out.add(new Upstream(d, List.copyOf(cols))));
        return out;
    }

    private static void resolve(String sql, Map<String, String> datasets,
            Map<String, Set<Upstream.ColumnMapping>> columns) throws Exception {
        Statement st = CCJSqlParserUtil.parse(sql);
        if (!(st instanceof PlainSelect select)) {
            return;
        }
        Map<String, String> aliases = new HashMap<>();
        List<FromItem> from = new ArrayList<>();
        from.add(select.getFromItem());
        if (select.getJoins() != null) {
            for (Join j : select.getJoins()) {
                from.add(j.getFromItem());
            }
        }
        String only = null;
        int tables = 0;
        for (FromItem item : from) {
            if (item instanceof Table t) {
                String dataset = datasets.get(key(unquote(t.getSchemaName()), unquote(t.getName())));
                if (dataset == null) {
                    continue;
                }
                tables++;
                only = dataset;
                aliases.put(unquote(t.getName()).toLowerCase(Locale.ROOT), dataset);
                if (t.getAlias() != null) {
                    aliases.put(unquote(t.getAlias().getName()).toLowerCase(Locale.ROOT), dataset);
                }
            }
        }
        boolean single = tables == 1 && from.size() == 1;
        String singleDataset = only;
        for (SelectItem<?> item : select.getSelectItems()) {
            Object e = item.getExpression();
            if (!(e instanceof Expression expr)) {
                continue;
            }
            List<Column> used = new ArrayList<>();
            expr.accept(new ExpressionVisitorAdapter<Void>() {
                @Override
                public <S> Void visit(Column column, S context) {
                    used.add(column);
                    return null;
                }
            }, null);
            String to = item.getAlias() != null
                    ? unquote(item.getAlias().getName())
                    : expr instanceof Column c ? unquote(c.getColumnName()) : null;
            if (to == null) {
                continue;
            }
            for (Column c : used) {
                String dataset = c.getTable() != null && c.getTable().getName() != null
                        ? aliases.get(unquote(c.getTable().getName()).toLowerCase(Locale.ROOT))
                        : single ? singleDataset : null;
                if (dataset != null) {
                    columns.get(dataset).add(new Upstream.ColumnMapping(unquote(c.getColumnName()), to));
                }
            }
        }
    }

    private static String key(String schema, String table) {
        return (schema == null ? "" : schema.toLowerCase(Locale.ROOT)) + "." + table.toLowerCase(Locale.ROOT);
    }

    private static String unquote(String s) {
        if (s == null) {
            return null;
        }
        return s.length() > 1 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
