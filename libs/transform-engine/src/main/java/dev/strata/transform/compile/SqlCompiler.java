package dev.strata.transform.compile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpretException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.interpret.errorcategory.BasicTemplateErrorCategory;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;

import dev.strata.transform.project.DataTest;
import dev.strata.transform.project.Model;
import dev.strata.transform.project.Project;
import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.project.ProjectProblem;
import dev.strata.transform.project.Seed;
import dev.strata.transform.project.SourceTable;
import dev.strata.transform.project.UnitTest;
import dev.strata.warehouse.Namespaces;

/**
 * Compiles a project with Jinjava: macros first, then every model once (collecting its {@code ref}s, {@code source}s
 * and {@code config()}), then the relation names are filled in, ephemeral models become CTEs, and the tests get their
 * queries. Every problem is reported with its file and line.
 *
 * <p>
 * A project is compiled for one namespace: every schema it names (a model's or seed's {@code schema}, a snapshot's
 * {@code target_schema}, a source's {@code schema}, or what the project's own {@code generate_schema_name} macro
 * returns) is a name inside that namespace and becomes {@link Namespaces#schema(String, String)}, e.g. {@code silver}
 * of namespace {@code sales-eu} is {@code sales_eu__silver}. {@code alias} only names the table. So one project
 * compiled for two namespaces writes two independent sets of relations.
 */
public final class SqlCompiler {

    private static final Set<String> MATERIALIZATIONS = Set.of("view", "table", "incremental", "ephemeral",
            "snapshot");
    private static final Pattern TOKEN = Pattern.compile("\u0001([SIR]):(\\w+)\u0001");
    private static final Pattern TEST_BLOCK = Pattern.compile("\\{%(-?)\\s*test\\s+(\\w+)\\s*\\(");
    private static final Pattern END_TEST = Pattern.compile("\\{%(-?)\\s*endtest\\s*(-?)%}");
    private static final Pattern REF_ARG = Pattern.compile("^\\s*ref\\(\\s*['\"](\\w+)['\"]\\s*\\)\\s*$");
    private static final Pattern SOURCE_ARG = Pattern
            .compile("^\\s*source\\(\\s*['\"](\\w+)['\"]\\s*,\\s*['\"](\\w+)['\"]\\s*\\)\\s*$");
    private static final Pattern TRAILING_SEMICOLONS = Pattern.compile(";+\\s*$");
    private static final String CTE_PREFIX = "__strata_cte__";
    /** One engine per macro depth and output bound (their settings live in the engine's config). */
    private static final Map<List<Long>, Jinjava> ENGINES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MODELS_PER_THREAD = 100;
    private static final int PARALLELISM = Math.max(1, Runtime.getRuntime().availableProcessors());
    /** Helpers that render models of large projects next to the compiling thread (daemon, shared by compilations). */
    private static final java.util.concurrent.ExecutorService RENDERERS = java.util.concurrent.Executors
            .newCachedThreadPool(r -> {
                Thread t = new Thread(r, "strata-transform-compile");
                t.setDaemon(true);
                return t;
            });

    private final Project project;
    private final String namespace;
    private static final YAMLMapper RUN_HOOK_YAML = new YAMLMapper();
    /** dbt's {@code graph} of the project (see {@link DbtFunctions#graph}). */
    private final Map<String, Object> graph;
    private final Map<String, Object> vars;
    private final String defaultSchema;
    private final CompileLimits limits;
    private final Jinjava jinjava;
    private final Context macroContext;
    private final CompileContext compileContext;
    private final List<ProjectProblem> problems = new ArrayList<>();
    private final Map<String, CompiledModel> models = new LinkedHashMap<>();
    private final Map<String, String> rawSql = new LinkedHashMap<>();
    /** Models and seeds with enabled=false, with their files. */
    private final Map<String, String> disabled = new LinkedHashMap<>();
    private final Set<String> runsQueries = new HashSet<>();
    private final Map<String, List<List<String>>> hooks = new java.util.HashMap<>();
    /** Models whose table is created with its contract's columns and constraints. */
    private final Map<String, DbtConstraints.Table> tables = new java.util.HashMap<>();
    private final String startedAt = Instant.now().toString();
    private JinjavaInterpreter interpreter;

    private SqlCompiler(Project project, String namespace, Map<String, ?> runVars, String defaultSchema,
            CompileLimits limits) {
        this.namespace = Namespaces.require(namespace);
        this.project = inNamespace(project);
        Map<String, Object> merged = new LinkedHashMap<>(project.vars());
        merged.putAll(runVars);
        this.vars = merged;
        this.defaultSchema = defaultSchema;
        this.limits = limits;
        this.jinjava = ENGINES.computeIfAbsent(List.of((long) limits.maxMacroDepth(), limits.maxRenderedBytes()),
                k -> newJinjava(limits));
        Set<String> nodes = new HashSet<>(project.models().keySet());
        nodes.addAll(project.seeds().keySet());
        this.compileContext = new CompileContext(this.project, vars, nodes, new CompileBudget(limits.budget()),
                limits.env(), new MacroRegistry(project.name(), DbtProjects.dispatchOrders(project)));
        this.graph = DbtFunctions.graph(this.project);
        this.macroContext = new Context(jinjava.getGlobalContext());
        macroContext.putAll(DbtGlobals.bindings());
    }

    private static Jinjava newJinjava(CompileLimits limits) {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(false)
                .withNestedInterpretationEnabled(false).withMaxOutputSize(limits.maxRenderedBytes())
                .withMaxStringLength(limits.maxRenderedBytes()).withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(limits.maxMacroDepth())
                .withNodePreProcessor((node, interpreter) -> CompileBudget.check(interpreter)).build());
        // include, import and from read the project's own files only (the default reads the classpath)
        jinjava.setResourceLocator(new ProjectResourceLocator());
        Context global = jinjava.getGlobalContext();
        global.registerFunction(new ELFunctionDefinition("", "ref", JinjaFunctions.class, "ref", Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "source", JinjaFunctions.class, "source", Object.class,
                Object.class));
        global.registerFunction(new ELFunctionDefinition("", "config", JinjaFunctions.class, "config",
                Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "var", JinjaFunctions.class, "var", Object.class,
                Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "is_incremental", JinjaFunctions.class,
                "isIncremental"));
        global.registerFunction(new ELFunctionDefinition("", "doc", JinjaFunctions.class, "doc", Object.class));
        global.registerFunction(new ELFunctionDefinition("", "log", JinjaFunctions.class, "log", Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "return", JinjaFunctions.class, "doReturn",
                Object.class));
        global.registerFunction(new ELFunctionDefinition("", "env_var", JinjaFunctions.class, "envVar", Object.class,
                Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "statement", JinjaFunctions.class, "statement",
                Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "run_query", JinjaFunctions.class, "runQuery",
                Object.class));
        global.registerFunction(new ELFunctionDefinition("", "should_store_failures", JinjaFunctions.class,
                "shouldStoreFailures"));
        global.registerFunction(new ELFunctionDefinition("", "load_result", JinjaFunctions.class, "loadResult",
                Object.class));
        global.registerFunction(new ELFunctionDefinition("", "tojson", PyJson.class, "tojson", Object.class,
                Object[].class));
        global.registerFilter(new PyJson.TojsonFilter());
        global.registerFunction(new ELFunctionDefinition("", "fromjson", DbtFunctions.class, "fromjson",
                Object.class, Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "fromyaml", DbtFunctions.class, "fromyaml",
                Object.class, Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "toyaml", DbtFunctions.class, "toyaml", Object.class,
                Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "zip", DbtFunctions.class, "zip", Object[].class));
        global.registerFunction(new ELFunctionDefinition("", "set", DbtFunctions.class, "set", Object.class,
                Object[].class));
        // {% macro %} with return(), its own file in errors, and its package for adapter.dispatch
        global.registerTag(new DbtMacro.Tag());
        return jinjava;
    }

    /**
     * What a push does with its files: load the project, compile it and order its DAG (a cycle is refused); throws a
     * {@link ProjectException} listing every problem with its file and line.
     */
    public static CompiledProject compileFiles(dev.strata.transform.project.ProjectFiles files, String namespace,
            Map<String, ?> runVars, String defaultSchema) {
        return compileFiles(files, namespace, runVars, defaultSchema, CompileLimits.DEFAULTS);
    }

    /** {@link #compileFiles(dev.strata.transform.project.ProjectFiles, String, Map, String)} within the given limits. */
    public static CompiledProject compileFiles(dev.strata.transform.project.ProjectFiles files, String namespace,
            Map<String, ?> runVars, String defaultSchema, CompileLimits limits) {
        CompiledProject compiled = compile(ProjectLoader.load(files), namespace, runVars, defaultSchema, limits);
        dev.strata.transform.plan.Plan.topologicalOrder(compiled);
        return compiled;
    }

    /**
     * Compiles every model, seed and test for {@code namespace} (whose schemas they read and write); throws a
     * {@link ProjectException} listing every problem.
     */
    public static CompiledProject compile(Project project, String namespace, Map<String, ?> runVars,
            String defaultSchema) {
        return compile(project, namespace, runVars, defaultSchema, CompileLimits.DEFAULTS);
    }

    /** {@link #compile(Project, String, Map, String)} within the given limits (time, macro depth, rendered size). */
    public static CompiledProject compile(Project project, String namespace, Map<String, ?> runVars,
            String defaultSchema, CompileLimits limits) {
        SqlCompiler compiler = new SqlCompiler(project, namespace, runVars, defaultSchema, limits);
        return compiler.run();
    }

    /** The namespace this project is compiled for. */
    public String namespace() {
        return namespace;
    }

    /** The project with its sources' schemas resolved inside the namespace ({@code raw} → {@code <ns>__raw}). */
    private Project inNamespace(Project loaded) {
        Map<String, SourceTable> sources = new LinkedHashMap<>();
        for (SourceTable t : loaded.sources().values()) {
            String schema;
            try {
                schema = Namespaces.schema(namespace, t.schema());
            } catch (IllegalArgumentException e) {
                problems.add(new ProjectProblem(t.file(), 0, "source '" + t.source() + "': " + e.getMessage()));
                schema = t.schema();
            }
            sources.put(t.key(), new SourceTable(t.source(), t.name(), schema, t.identifier(), t.loadedAtField(),
                    t.warnAfterSecs(), t.errorAfterSecs(), t.file()));
        }
        return new Project(loaded.name(), loaded.vars(), loaded.models(), loaded.seeds(), sources, loaded.tests(),
                loaded.macros(), loaded.docs(), loaded.files(), loaded.unitTests());
    }

    /**
     * The Postgres schema a model, seed or snapshot lands in: a snapshot's {@code target_schema}, else what the
     * project's {@code generate_schema_name(custom_schema_name, node)} macro returns when it has one, else its
     * {@code schema} or the default, always inside the namespace. An unusable name is a problem of the node's file.
     */
    private String schemaOf(String node, String file, String sql, String resourceType, Map<String, Object> config) {
        Object custom = config.get("schema");
        String local;
        if (resourceType.equals("snapshot") && config.get("target_schema") != null) {
            local = String.valueOf(config.get("target_schema"));
        } else if (macroContext.isGlobalMacro("generate_schema_name")) {
            Map<String, Object> b = bindings(null);
            if (custom != null) {
                b.put("__strata_custom", String.valueOf(custom));
            }
            b.put("__strata_node", Map.of("name", node, "resource_type", resourceType, "original_file_path", file,
                    "config", config));
            RenderState state = new RenderState(file, null, false);
            local = render(state, "{{ generate_schema_name(__strata_custom, __strata_node) }}", b).strip();
            if (!state.problems.isEmpty()) {
                return "?";
            }
        } else {
            local = custom == null ? defaultSchema : String.valueOf(custom);
        }
        String lower = local.toLowerCase(Locale.ROOT);
        java.util.Optional<String> problem = Namespaces.schemaProblem(lower);
        if (problem.isPresent()) {
            String example = Namespaces.schema(namespace, "gold");
            problems.add(new ProjectProblem(file, lineOf(sql, local), resourceType + " " + node + ": " + problem.get()
                    + "; it names a schema inside the namespace, e.g. 'gold' (" + example + ")"));
            return "?";
        }
        return Namespaces.schema(namespace, lower);
    }

    /** The line of {@code text} where {@code needle} first appears, else 1. */
    private static int lineOf(String text, String needle) {
        int at = text == null || needle.isEmpty() ? -1 : text.indexOf(needle);
        return at < 0 ? 1 : 1 + (int) text.substring(0, at).chars().filter(ch -> ch == '\n').count();
    }

    private CompiledProject run() {
        CompileContext.CURRENT.set(compileContext);
        compileContext.budget().restart();
        try {
            loadMacros();
            Map<String, RenderState> rendered = new LinkedHashMap<>();
            Map<String, String> raw = rawSql;
            for (Seed seed : project.seeds().values()) {
                Map<String, Object> config = seed.config();
                problems.addAll(DbtGrants.problems(seed.name(), seed.file(), namespace, config, project.files()));
                if (Boolean.FALSE.equals(config.get("enabled"))) {
                    disabled.put(seed.name(), seed.file());
                    continue;
                }
                models.put(seed.name(), new CompiledModel(seed.name(), seed.file(), "seed",
                        schemaOf(seed.name(), seed.file(), null, "seed", config),
                        String.valueOf(config.getOrDefault("alias", seed.name())), "seed", List.of(),
                        ProjectLoader.tags(config.get("tags")), Map.of(), Set.of(), null, config));
            }
            List<Model> all = List.copyOf(project.models().values());
            List<RenderedModel> renders = renderAll(all);
            for (int i = 0; i < all.size(); i++) {
                Model model = all.get(i);
                RenderState state = renders.get(i).state();
                problems.addAll(state.problems);
                rendered.put(model.name(), state);
                raw.put(model.name(), renders.get(i).sql());
                Map<String, Object> config = new LinkedHashMap<>(model.config());
                ProjectLoader.mergeConfig(config, state.config);
                problems.addAll(DbtProjects.undefinedCalls(model.file(), model.sql(), compileContext.macros(),
                        project.name()));
                if (state.usesQueries) {
                    runsQueries.add(model.name());
                }
                for (String problem : DbtConfigs.problems(model.name(), config)) {
                    problems.add(new ProjectProblem(model.file(), lineOf(model.sql(), problem.split("'")[1]),
                            problem));
                }
                problems.addAll(DbtGrants.problems(model.name(), model.file(), namespace, config, project.files()));
                if (Boolean.FALSE.equals(config.get("enabled"))) {
                    // dbt: a disabled model is not built, and a ref() to it is an error
                    disabled.put(model.name(), model.file());
                    raw.remove(model.name());
                    continue;
                }
                String materialized = String.valueOf(config.getOrDefault("materialized", "view"))
                        .toLowerCase(Locale.ROOT);
                if (!MATERIALIZATIONS.contains(materialized)) {
                    problems.add(new ProjectProblem(model.file(), 1, "materialized must be view, table, incremental"
                            + " or ephemeral, got '" + materialized + "'"));
                } else if (materialized.equals("snapshot")) {
                    snapshotProblems(model, config);
                }
                contractProblems(model, config, materialized);
                models.put(model.name(), new CompiledModel(model.name(), model.file(), "model",
                        schemaOf(model.name(), model.file(), model.sql(), materialized.equals("snapshot")
                                ? "snapshot"
                                : "model", config),
                        String.valueOf(config.getOrDefault("alias", model.name())), materialized,
                        keyColumns(config.get("unique_key")), ProjectLoader.tags(config.get("tags")), state.refs,
                        state.sources, null, config));
            }
            for (Model model : all) {
                if (!disabled.containsKey(model.name())) {
                    rendered.get(model.name()).refs.forEach((ref, line) -> {
                        if (disabled.containsKey(ref)) {
                            problems.add(new ProjectProblem(model.file(), line, "ref('" + ref + "') names a disabled"
                                    + " model or seed (enabled=false in " + disabled.get(ref) + ")"));
                        }
                    });
                }
            }
            for (Model model : all) {
                CompiledModel m = models.get(model.name());
                if (m == null || model.constraints().isEmpty()) {
                    continue;
                }
                DbtConstraints.Table table = DbtConstraints.compile(model, m.materialized(), contract(model.name()),
                        this::constraintTarget, to -> {
                            Matcher ref = REF_ARG.matcher(to);
                            return ref.matches() ? ref.group(1) : null;
                        }, problems);
                if (table != null) {
                    tables.put(model.name(), table);
                    if (!table.refs().isEmpty()) {
                        // a foreign key's parent is built first, as dbt adds it to depends_on
                        Map<String, Integer> refs = new LinkedHashMap<>(table.refs());
                        refs.putAll(m.refLines());
                        models.put(m.name(), new CompiledModel(m.name(), m.file(), m.kind(), m.schema(),
                                m.identifier(), m.materialized(), m.uniqueKey(), m.tags(), refs, m.sources(), m.sql(),
                                m.config()));
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new ProjectException(problems);
            }
            for (Map.Entry<String, String> e : raw.entrySet()) {
                CompiledModel m = models.get(e.getKey());
                models.put(m.name(), withSql(m, finish(e.getValue(), m)));
            }
            for (CompiledModel m : models.values()) {
                if (!m.ephemeral()) {
                    hooks.put(m.name(), List.of(renderHooks(m, "pre_hook", "pre-hook"), renderHooks(m, "post_hook",
                            "post-hook")));
                }
            }
            List<CompiledTest> tests = new ArrayList<>();
            for (DataTest test : project.tests()) {
                if (disabled.containsKey(test.model())) {
                    continue; // dbt disables the tests of a disabled model with it
                }
                CompiledTest compiled = compileTest(test);
                if (compiled != null) {
                    tests.add(compiled);
                }
            }
            List<CompiledUnitTest> unitTests = new ArrayList<>();
            for (UnitTest test : project.unitTests()) {
                if (disabled.containsKey(test.model())) {
                    continue; // as its data tests
                }
                CompiledUnitTest compiled = compileUnitTest(test);
                if (compiled != null) {
                    unitTests.add(compiled);
                }
            }
            for (String key : List.of("on-run-start", "on-run-end")) {
                List<String> hooks = runHooks(key);
                for (int i = 0; i < hooks.size(); i++) {
                    // compiled as dbt parses them (execute false), so a broken one is refused at push
                    problems.addAll(renderRunHook(key, i, hooks.get(i), null, List.of()).problems());
                }
            }
            if (!problems.isEmpty()) {
                throw new ProjectException(problems);
            }
            return new CompiledProject(project, namespace, models, tests, List.copyOf(unitTests), this);
        } finally {
            CompileContext.CURRENT.remove();
        }
    }

    /**
     * dbt's model contracts ({@code contract: {enforced: true}}): every column of the model declared in its yml with
     * a {@code data_type}; not on an ephemeral model or a snapshot (docs.getdbt.com/reference/resource-configs/contract).
     * The build checks the columns against the model's query.
     */
    private void contractProblems(Model model, Map<String, Object> config, String materialized) {
        if (!(config.get("contract") instanceof Map<?, ?> contract) || !Boolean.TRUE.equals(contract.get("enforced"))) {
            return;
        }
        int line = lineOf(model.sql(), "contract");
        if (materialized.equals("ephemeral") || materialized.equals("snapshot")) {
            problems.add(new ProjectProblem(model.file(), line, model.name() + ": an enforced contract is not"
                    + " possible on a" + (materialized.equals("ephemeral") ? "n ephemeral model" : " snapshot")));
            return;
        }
        if (model.columns().isEmpty()) {
            problems.add(new ProjectProblem(model.file(), line, model.name() + ": its contract is enforced but its yml"
                    + " declares no columns; list each column with its data_type"));
        }
        for (Model.ColumnDoc col : model.columns()) {
            if (col.dataType() == null || col.dataType().isBlank()) {
                problems.add(new ProjectProblem(model.file(), line, model.name() + ": its contract is enforced but"
                        + " column '" + col.name() + "' has no data_type in its yml"));
            }
        }
    }

    /** The relation a foreign key's {@code to} names: a (non-ephemeral) model or seed, or a source; else null. */
    private String constraintTarget(String to) {
        Matcher ref = REF_ARG.matcher(to);
        Matcher src = SOURCE_ARG.matcher(to);
        if (ref.matches()) {
            CompiledModel parent = models.get(ref.group(1));
            return parent == null || parent.ephemeral() ? null : parent.relation();
        }
        if (src.matches()) {
            SourceTable t = project.sources().get(src.group(1) + "." + src.group(2));
            return t == null ? null : Relation.quote(t.schema()) + "." + Relation.quote(t.identifier());
        }
        return null;
    }

    /**
     * The elements of the {@code create table} of a model whose enforced contract has constraints: its columns with
     * their data types and column constraints, then its model-level constraints; empty otherwise (the table is made
     * by {@code create table as}).
     */
    public List<String> tableElements(String modelName) {
        DbtConstraints.Table t = tables.get(modelName);
        return t == null ? List.of() : t.elements();
    }

    /** The names a model's contract gives its unique and primary key constraints (and so their indexes). */
    public List<String> constraintIndexNames(String modelName) {
        DbtConstraints.Table t = tables.get(modelName);
        return t == null ? List.of() : t.indexNames();
    }

    /** The declared columns of a model whose contract is enforced (name → data_type), else empty. */
    public Map<String, String> contract(String modelName) {
        Model model = project.models().get(modelName);
        CompiledModel compiled = models.get(modelName);
        if (model == null || compiled == null || !(compiled.config().get("contract") instanceof Map<?, ?> c)
                || !Boolean.TRUE.equals(c.get("enforced"))) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        model.columns().forEach(col -> out.put(col.name(), col.dataType()));
        return out;
    }

    /** dbt's snapshot settings: unique_key, and strategy timestamp with updated_at or check with check_cols. */
    private void snapshotProblems(Model model, Map<String, Object> config) {
        // the first line of the snapshot's body (usually its config() call)
        int line = (int) model.sql().chars().takeWhile(Character::isWhitespace).filter(ch -> ch == '\n').count() + 1;
        String strategy = String.valueOf(config.getOrDefault("strategy", "")).toLowerCase(Locale.ROOT);
        if (config.get("unique_key") == null) {
            problems.add(new ProjectProblem(model.file(), line, "snapshot " + model.name() + " needs a unique_key"));
        }
        if (strategy.equals("timestamp")) {
            if (config.get("updated_at") == null) {
                problems.add(new ProjectProblem(model.file(), line, "snapshot " + model.name() + ": strategy"
                        + " 'timestamp' needs updated_at='<column>'"));
            }
        } else if (strategy.equals("check")) {
            Object cols = config.get("check_cols");
            if (!(cols instanceof List<?> list && !list.isEmpty()) && !"all".equals(cols)) {
                problems.add(new ProjectProblem(model.file(), line, "snapshot " + model.name() + ": strategy 'check'"
                        + " needs check_cols=['<column>', ...] or check_cols='all'"));
            }
        } else {
            problems.add(new ProjectProblem(model.file(), line, "snapshot " + model.name() + ": strategy must be"
                    + " timestamp or check, got '" + strategy + "'"));
        }
    }

    /** The model's SQL as it runs when its table already exists: {@code is_incremental()} is true (one at a time). */
    public String renderIncremental(String modelName) {
        return renderForRun(modelName, true, null);
    }

    /** Whether the model runs {@code run_query} / {@code statement}: the build renders it again with its connection. */
    public boolean runsQueries(String modelName) {
        return runsQueries.contains(modelName);
    }

    /** The model's {@code pre_hook} statements, rendered (run before it, on its connection). */
    public List<String> preHooks(String modelName) {
        return hooks.getOrDefault(modelName, List.of(List.of(), List.of())).get(0);
    }

    /** The model's {@code post_hook} statements, rendered (run after it, on its connection). */
    public List<String> postHooks(String modelName) {
        return hooks.getOrDefault(modelName, List.of(List.of(), List.of())).get(1);
    }

    /** dbt_project.yml's {@code on-run-start} or {@code on-run-end}: its statements, in order (blank ones dropped). */
    public List<String> runHooks(String key) {
        String yml = project.files().get("dbt_project.yml");
        if (yml == null) {
            return List.of();
        }
        try {
            Object value = RUN_HOOK_YAML.readValue(yml, Map.class).get(key);
            List<?> list = value instanceof List<?> l ? l : value == null ? List.of() : List.of(value);
            return list.stream().map(String::valueOf).filter(h -> !h.isBlank()).toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    /**
     * The project's {@code on-run-start} / {@code on-run-end} statements as the build runs them: rendered with
     * {@code execute} true, {@code run_query} / {@code statement} on {@code connection} (the namespace's role) and
     * {@code results} (on-run-end: one {@code {node: {name, unique_id, resource_type}, status, message,
     * execution_time, rows_affected}} per step); throws a {@link ProjectException} naming the hook.
     */
    public synchronized List<String> renderRunHooks(String key, java.sql.Connection connection,
            List<Map<String, Object>> results) {
        CompileContext.CURRENT.set(compileContext);
        compileContext.budget().restart();
        try {
            List<String> hooks = runHooks(key);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < hooks.size(); i++) {
                RunHook hook = renderRunHook(key, i, hooks.get(i), connection, results);
                if (!hook.problems().isEmpty()) {
                    throw new ProjectException(hook.problems());
                }
                out.add(hook.sql());
            }
            return out;
        } finally {
            CompileContext.CURRENT.remove();
        }
    }

    private record RunHook(String sql, List<ProjectProblem> problems) {
    }

    private RunHook renderRunHook(String key, int index, String template, java.sql.Connection connection,
            List<Map<String, Object>> results) {
        RenderState state = new RenderState("dbt_project.yml", null, false);
        state.connection = connection;
        state.namespace = namespace;
        state.resolver = this::replaceTokens;
        Map<String, Object> b = bindings(null);
        b.put("results", results);
        String sql = replaceTokens(render(interpreter(), state, template, b)).strip();
        int line = lineOf(project.files().get("dbt_project.yml"), key + ":");
        List<ProjectProblem> out = state.problems.stream().map(p -> new ProjectProblem("dbt_project.yml", line, key
                + " hook " + (index + 1) + ": " + p.message())).toList();
        return new RunHook(sql, out);
    }

    /** dbt's hooks: a string or a list of them (or {@code {sql: ...}}), each a template rendered for the model. */
    private List<String> renderHooks(CompiledModel m, String key, String dashed) {
        Object value = m.config().containsKey(key) ? m.config().get(key) : m.config().get(dashed);
        if (value == null) {
            return List.of();
        }
        List<?> list = value instanceof List<?> l ? l : List.of(value);
        List<String> out = new ArrayList<>();
        for (Object hook : list) {
            Object sql = hook instanceof Map<?, ?> map ? map.get("sql") : hook;
            if (sql == null || String.valueOf(sql).isBlank()) {
                continue;
            }
            RenderState state = new RenderState(m.file(), m.name(), false);
            String rendered = replaceTokens(render(state, String.valueOf(sql), bindings(m.name()))).strip();
            if (!rendered.isEmpty()) {
                out.add(rendered);
            }
        }
        return List.copyOf(out);
    }

    /**
     * The model's SQL as the build runs it: with {@code is_incremental()} true when its table exists, and with
     * {@code execute} true and {@code run_query} / {@code statement} running on {@code connection} (the namespace's
     * role) when it is given. One at a time.
     */
    public synchronized String renderForRun(String modelName, boolean incremental, java.sql.Connection connection) {
        Model model = project.models().get(modelName);
        CompileContext.CURRENT.set(compileContext);
        compileContext.budget().restart();
        try {
            RenderState state = new RenderState(model.file(), model.name(), incremental);
            state.connection = connection;
            state.namespace = namespace;
            state.resolver = this::replaceTokens;
            String sql = render(state, model.sql(), bindings(model.name()));
            if (!state.problems.isEmpty()) {
                throw new ProjectException(state.problems);
            }
            return finish(sql, models.get(modelName));
        } finally {
            CompileContext.CURRENT.remove();
        }
    }

    /**
     * Reads the macros: dbt's own (the {@code dbt} package: dbt-adapters' global project and dbt-postgres's
     * overrides), then each package vendored in {@code dbt_packages/}, then the project's, each later one replacing
     * a macro of the same name for calls without a package (as dbt resolves them); by package for
     * {@code <package>.<macro>(...)} and {@code adapter.dispatch}.
     */
    private void loadMacros() {
        Map<String, String[]> files = new LinkedHashMap<>();
        DbtProjects.builtinMacros().forEach((path, text) -> files.put(path, new String[]{text, "dbt"}));
        project.macros().forEach((path, text) -> {
            String pkg = DbtProjects.packageOf(path);
            if (pkg != null) {
                files.put(path, new String[]{text, pkg});
            }
        });
        project.macros().forEach((path, text) -> {
            if (DbtProjects.packageOf(path) == null) {
                files.put(path, new String[]{text, project.name()});
            }
        });
        for (Map.Entry<String, String[]> file : files.entrySet()) {
            String text = DbtSyntax.prepare(END_TEST.matcher(TEST_BLOCK.matcher(file.getValue()[0]).replaceAll(
                    "{%$1 macro test_$2(")).replaceAll("{%$1 endmacro $2%}"));
            if (file.getValue()[1].equals(project.name())) {
                problems.addAll(DbtProjects.undefinedCalls(file.getKey(), text, compileContext.macros(),
                        project.name()));
            }
            JinjavaInterpreter interpreter = new JinjavaInterpreter(jinjava, macroContext, jinjava.getGlobalConfig());
            RenderState state = new RenderState(file.getKey(), null, false);
            RenderState.CURRENT.set(state);
            JinjavaInterpreter.pushCurrent(interpreter);
            DbtMacro.DEFINING.set(new String[]{file.getKey(), file.getValue()[1]});
            try {
                interpreter.render(text);
            } catch (InterpretException | CompileBudget.Exceeded e) {
                checkBudget();
                state.problems.add(new ProjectProblem(file.getKey(), lineOf(e), "Jinja: " + e.getMessage()));
            } finally {
                DbtMacro.DEFINING.remove();
                JinjavaInterpreter.popCurrent();
                RenderState.CURRENT.remove();
            }
            checkBudget();
            collectErrors(file.getKey(), interpreter.getErrors());
            problems.addAll(state.problems);
        }
        // <package>.<macro>(...): dbt.date_trunc, dbt_utils.generate_surrogate_key, <project>.my_macro
        for (String pkg : compileContext.macros().packages()) {
            macroContext.put(pkg, compileContext.macros().packageMacros(pkg));
        }
    }

    private Map<String, Object> bindings(String self) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (self != null) {
            b.put("this", new Relation(JinjaFunctions.modelToken(self, "S"), JinjaFunctions.modelToken(self, "I"),
                    self));
            b.put("model", Map.of("name", self));
        }
        Model node = self == null ? null : project.models().get(self);
        b.put("config", new JinjaFunctions.ConfigView(node == null ? Map.of() : node.config()));
        b.put("graph", graph);
        b.put("target", Map.of("name", "strata", "type", "postgres", "schema", defaultSchema, "database",
                "warehouse", "threads", 4));
        b.put("run_started_at", startedAt);
        b.put("project_name", project.name());
        return b;
    }

    /** Renders every model; on a large project in parallel, one interpreter per thread, results in model order. */
    private List<RenderedModel> renderAll(List<Model> all) {
        int threads = Math.min(PARALLELISM, all.size() / MODELS_PER_THREAD);
        if (threads < 2) {
            return all.stream().map(this::renderModel).toList();
        }
        RenderedModel[] out = new RenderedModel[all.size()];
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Runnable worker = () -> {
            CompileContext previous = CompileContext.CURRENT.get();
            CompileContext.CURRENT.set(compileContext);
            JinjavaInterpreter own = newInterpreter();
            try {
                for (int i = next.getAndIncrement(); i < out.length; i = next.getAndIncrement()) {
                    Model model = all.get(i);
                    RenderState state = new RenderState(model.file(), model.name(), false);
                    out[i] = new RenderedModel(state, render(own, state, model.sql(), bindings(model.name())));
                }
            } finally {
                if (previous == null) {
                    CompileContext.CURRENT.remove();
                } else {
                    CompileContext.CURRENT.set(previous);
                }
            }
        };
        List<java.util.concurrent.Future<?>> helpers = new ArrayList<>();
        for (int t = 1; t < threads; t++) {
            helpers.add(RENDERERS.submit(worker));
        }
        worker.run(); // this thread renders too
        for (java.util.concurrent.Future<?> f : helpers) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("compilation interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return List.of(out);
    }

    private RenderedModel renderModel(Model model) {
        RenderState state = new RenderState(model.file(), model.name(), false);
        return new RenderedModel(state, render(interpreter(), state, model.sql(), bindings(model.name())));
    }

    private record RenderedModel(RenderState state, String sql) {
    }

    private JinjavaInterpreter newInterpreter() {
        return new JinjavaInterpreter(jinjava, new Context(macroContext), jinjava.getGlobalConfig());
    }

    private JinjavaInterpreter interpreter() {
        // one interpreter per compilation (and thread), a fresh scope per template: creating them is the costly part
        if (interpreter == null) {
            interpreter = newInterpreter();
        }
        return interpreter;
    }

    /** Renders one template; its problems (template errors first) end up in {@code state.problems}. */
    private String render(JinjavaInterpreter interpreter, RenderState state, String template,
            Map<String, Object> bindings) {
        RenderState.CURRENT.set(state);
        JinjavaInterpreter.pushCurrent(interpreter);
        String out;
        List<TemplateError> errors;
        try (var scope = interpreter.enterScope()) {
            interpreter.getContext().putAll(bindings);
            int before = interpreter.getErrorsCopy().size();
            interpreter.getContext().put("execute", state.connection != null);
            try {
                out = interpreter.render(DbtSyntax.prepare(template));
            } catch (InterpretException | CompileBudget.Exceeded e) {
                // e.g. an include of something that is not a file of the project
                checkBudget();
                out = "";
                state.problems.add(new ProjectProblem(state.file, lineOf(e), "Jinja: " + e.getMessage()));
            }
            List<TemplateError> all = interpreter.getErrorsCopy();
            errors = all.subList(Math.min(before, all.size()), all.size());
        } finally {
            JinjavaInterpreter.popCurrent();
            RenderState.CURRENT.remove();
        }
        checkBudget();
        // the template itself is broken: its function problems may be consequences, keep the syntax ones first
        state.problems.addAll(0, templateProblems(state.file, errors, state.errorFiles));
        if (out.length() > limits.maxRenderedBytes() && errors.isEmpty()) {
            state.problems.add(new ProjectProblem(state.file, 0, tooBig()));
        }
        return out;
    }

    /** Renders a test or an incremental variant on the compiling thread; its problems join the project's. */
    private String render(RenderState state, String template, Map<String, Object> bindings) {
        String out = render(interpreter(), state, template, bindings);
        problems.addAll(state.problems);
        return out;
    }

    /** Once the budget is spent the compilation ends with that one problem (a runaway template, not a typo). */
    private void checkBudget() {
        CompileBudget.Stop stop = compileContext.budget().exceeded();
        if (stop != null) {
            throw new ProjectException(new ProjectProblem(stop.file(), stop.line(), "compiling the project took"
                    + " longer than its budget of " + compileContext.budget().budget().toMillis() / 1000.0 + " s"
                    + (stop.macro() == null ? "" : ", stopped in macro '" + stop.macro() + "'")
                    + " (strata.transform.compile.budget)"));
        }
    }

    private static int lineOf(RuntimeException e) {
        return e instanceof InterpretException i ? Math.max(0, i.getLineNumber()) : 0;
    }

    private String tooBig() {
        return "renders to more than " + limits.maxRenderedBytes() + " characters"
                + " (strata.transform.compile.max-rendered-bytes)";
    }

    private void collectErrors(String file, List<TemplateError> errors) {
        problems.addAll(templateProblems(file, errors, Map.of()));
    }

    private List<ProjectProblem> templateProblems(String templateFile, List<TemplateError> errors,
            Map<TemplateError, String> errorFiles) {
        List<ProjectProblem> out = new ArrayList<>();
        for (TemplateError error : errors) {
            // an error inside a macro is in the macro's file (its line is a line of that file)
            String file = errorFiles.getOrDefault(error, templateFile);
            String message = error.getMessage() == null ? "template error" : error.getMessage();
            if (error.getCategory() == BasicTemplateErrorCategory.CYCLE_DETECTED) {
                // a warning for Jinjava (the call renders nothing): a refused compilation here
                out.add(new ProjectProblem(file, error.getLineno(), "Jinja: " + message + ": macros may call"
                        + " themselves at most " + limits.maxMacroDepth() + " levels deep"
                        + " (strata.transform.compile.max-macro-depth)"));
            } else if (error.getReason() == TemplateError.ErrorReason.OUTPUT_TOO_BIG) {
                out.add(new ProjectProblem(file, error.getLineno(), "Jinja: the template " + tooBig()));
            } else if (error.getSeverity() == TemplateError.ErrorType.FATAL
                    || error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR) {
                // an unclosed {{ or {% is only a warning for Jinjava: dbt refuses the template
                out.add(new ProjectProblem(file, error.getLineno(), "Jinja: " + message));
            }
        }
        return out;
    }

    /** Fills in relation names and puts the ephemeral models it reads in front as CTEs. */
    private String finish(String sql, CompiledModel model) {
        String body = replaceTokens(sql).strip();
        while (body.endsWith(";")) {
            body = body.substring(0, body.length() - 1).strip();
        }
        List<String> ephemerals = new ArrayList<>();
        collectEphemerals(model, ephemerals, new HashSet<>());
        if (ephemerals.isEmpty()) {
            return body;
        }
        String ctes = ephemerals.stream().map(name -> CTE_PREFIX + name + " as (\n" + ephemeralSql(name) + "\n)")
                .collect(Collectors.joining(",\n"));
        return "with " + ctes + "\nselect * from (\n" + body + "\n) as __strata_model";
    }

    private String ephemeralSql(String name) {
        // its own text only: the outer query carries every ephemeral it needs once, in dependency order
        return TRAILING_SEMICOLONS.matcher(replaceTokens(rawSql.get(name)).strip()).replaceAll("");
    }

    private void collectEphemerals(CompiledModel model, List<String> out, Set<String> seen) {
        for (String ref : model.refs()) {
            CompiledModel parent = models.get(ref);
            if (parent != null && parent.ephemeral() && seen.add(ref)) {
                collectEphemerals(parent, out, seen);
                out.add(ref);
            }
        }
    }

    private String replaceTokens(String sql) {
        return replaceTokens(sql, Map.of());
    }

    /** Fills in relation names; those in {@code given} (a unit test's inputs) become the name of their CTE. */
    private String replaceTokens(String sql, Map<String, String> given) {
        if (sql.indexOf(JinjaFunctions.MARK) < 0) {
            return sql;
        }
        Matcher m = TOKEN.matcher(sql);
        StringBuilder out = new StringBuilder(sql.length() + 64);
        while (m.find()) {
            CompiledModel target = models.get(m.group(2));
            String cte = given.get(m.group(2));
            String replacement = cte != null ? (m.group(1).equals("S") ? "pg_temp" : cte) : switch (m.group(1)) {
                case "S" -> target.schema();
                case "I" -> target.ephemeral() ? CTE_PREFIX + target.name() : target.identifier();
                default -> target.ephemeral() ? CTE_PREFIX + target.name() : target.relation();
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static CompiledModel withSql(CompiledModel m, String sql) {
        return new CompiledModel(m.name(), m.file(), m.kind(), m.schema(), m.identifier(), m.materialized(),
                m.uniqueKey(), m.tags(), m.refLines(), m.sources(), sql, m.config());
    }

    private static List<String> keyColumns(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value).split("\\s*,\\s*"));
    }

    private CompiledTest compileTest(DataTest test) {
        if (test.singular()) {
            RenderState state = new RenderState(test.file(), null, false);
            String sql = render(state, test.sql(), bindings(null));
            Set<String> refs = new LinkedHashSet<>(state.refs.keySet());
            String dataset = refs.isEmpty()
                    ? state.sources.stream().findFirst().map(k -> project.sources().get(k))
                            .map(SourceTable::identifier).orElse(test.id())
                    : refs.iterator().next();
            String attached = refs.size() == 1 ? refs.iterator().next() : null;
            return new CompiledTest(test, test.id(), attached, dataset, refs, TRAILING_SEMICOLONS.matcher(
                    replaceTokens(sql).strip()).replaceAll(""));
        }
        String relation;
        String dataset;
        Set<String> refs = new LinkedHashSet<>();
        if (test.onSource()) {
            SourceTable table = project.sources().get(test.model());
            relation = Relation.quote(table.schema()) + "." + Relation.quote(table.identifier());
            dataset = table.identifier();
        } else {
            CompiledModel model = models.get(test.model());
            if (model.ephemeral()) {
                problems.add(new ProjectProblem(test.file(), test.line(), "test " + test.kind() + " on '"
                        + test.model() + "': an ephemeral model has no table to test"));
                return null;
            }
            relation = model.relation();
            dataset = model.name();
            refs.add(model.name());
        }
        String col = test.column() == null ? null : Relation.quote(test.column());
        String label = test.kind() + (test.column() == null ? "" : "(" + test.column() + ")");
        String sql;
        switch (test.kind()) {
            case "unique" -> {
                if (!needsColumn(test)) {
                    return null;
                }
                sql = "select " + col + " as unique_field, count(*) as n_records from " + relation + " where " + col
                        + " is not null group by " + col + " having count(*) > 1";
            }
            case "not_null" -> {
                if (!needsColumn(test)) {
                    return null;
                }
                sql = "select * from " + relation + " where " + col + " is null";
            }
            case "accepted_values" -> {
                if (!needsColumn(test)) {
                    return null;
                }
                Object values = test.args().get("values");
                if (!(values instanceof List<?> list) || list.isEmpty()) {
                    problems.add(new ProjectProblem(test.file(), test.line(), "accepted_values on " + test.model()
                            + "." + test.column() + " needs 'values: [...]'"));
                    return null;
                }
                boolean quote = !Boolean.FALSE.equals(test.args().get("quote"));
                String in = list.stream().map(v -> quote
                        ? "'" + String.valueOf(v).replace("'", "''") + "'"
                        : String.valueOf(v)).collect(Collectors.joining(", "));
                sql = "select * from " + relation + " where " + col + " is not null and " + (quote
                        ? col + "::text"
                        : col) + " not in (" + in + ")";
            }
            case "relationships" -> {
                if (!needsColumn(test)) {
                    return null;
                }
                String to = String.valueOf(test.args().get("to"));
                String field = String.valueOf(test.args().getOrDefault("field", "id"));
                String parent;
                Matcher ref = REF_ARG.matcher(to);
                Matcher src = SOURCE_ARG.matcher(to);
                if (ref.matches() && models.containsKey(ref.group(1)) && !models.get(ref.group(1)).ephemeral()) {
                    parent = models.get(ref.group(1)).relation();
                    refs.add(ref.group(1));
                } else if (src.matches() && project.sources().containsKey(src.group(1) + "." + src.group(2))) {
                    SourceTable t = project.sources().get(src.group(1) + "." + src.group(2));
                    parent = Relation.quote(t.schema()) + "." + Relation.quote(t.identifier());
                } else {
                    problems.add(new ProjectProblem(test.file(), test.line(), "relationships test on " + test.model()
                            + "." + test.column() + ": 'to: " + to + "' is not ref('<model>') or source('<source>',"
                            + " '<table>') of this project"));
                    return null;
                }
                sql = "select child.* from " + relation + " as child left join " + parent + " as parent on child."
                        + col + " = parent." + Relation.quote(field) + " where child." + col + " is not null and"
                        + " parent." + Relation.quote(field) + " is null";
            }
            default -> {
                if (!macroContext.isGlobalMacro("test_" + test.kind())) {
                    problems.add(new ProjectProblem(test.file(), test.line(), "unknown test '" + test.kind() + "' on "
                            + test.model() + ": not a built-in test (unique, not_null, accepted_values,"
                            + " relationships) nor a {% test " + test.kind()
                            + "(...) %} in macros/ or tests/generic/"));
                    return null;
                }
                Map<String, Object> b = bindings(null);
                StringBuilder call = new StringBuilder("{{ test_" + test.kind() + "(model=__strata_model");
                b.put("__strata_model", test.onSource()
                        ? relation
                        : new Relation(models.get(test.model()).schema(),
                                models.get(test.model()).identifier(), null));
                if (test.column() != null) {
                    call.append(", column_name=__strata_column");
                    b.put("__strata_column", test.column());
                }
                for (Map.Entry<String, Object> arg : test.args().entrySet()) {
                    call.append(", ").append(arg.getKey()).append("=__strata_arg_").append(arg.getKey());
                    b.put("__strata_arg_" + arg.getKey(), arg.getValue());
                }
                call.append(") }}");
                RenderState state = new RenderState(test.file(), null, false);
                String rendered = render(state, call.toString(), b);
                refs.addAll(state.refs.keySet());
                sql = TRAILING_SEMICOLONS.matcher(replaceTokens(rendered).strip()).replaceAll("");
                if (sql.isBlank()) {
                    problems.add(new ProjectProblem(test.file(), test.line(), "test '" + test.kind() + "' rendered"
                            + " no SQL"));
                    return null;
                }
            }
        }
        return new CompiledTest(test, label, test.onSource() ? null : test.model(), dataset, refs, sql);
    }

    /**
     * A unit test: the model rendered again with its inputs ({@code ref}, {@code source}, {@code this}) replaced by
     * CTEs of the given rows and the overrides applied ({@code vars}, {@code env_vars}, {@code macros}: a macro's
     * value, {@code is_incremental} true or false). A relation the model reads that is not given is a problem at the
     * unit test's line (dbt: "node not found"), as is an ephemeral input (dbt needs {@code format: sql} for it).
     */
    private CompiledUnitTest compileUnitTest(UnitTest test) {
        Model model = project.models().get(test.model());
        CompiledModel compiled = models.get(test.model());
        String where = "unit test " + test.name() + " of model " + test.model();
        if (compiled.materialized().equals("snapshot") || compiled.ephemeral()) {
            problems.add(new ProjectProblem(test.file(), test.line(), where + ": a " + compiled.materialized()
                    + " cannot be unit tested (dbt unit tests SQL models that are views, tables or incremental)"));
            return null;
        }
        Map<String, String> given = new LinkedHashMap<>();
        Map<String, String> givenSources = new LinkedHashMap<>();
        List<CompiledUnitTest.Input> inputs = new ArrayList<>();
        int problemsBefore = problems.size();
        for (UnitTest.Given g : test.given()) {
            String cte = "__strata_given_" + inputs.size();
            Matcher ref = REF_ARG.matcher(g.input());
            Matcher src = SOURCE_ARG.matcher(g.input());
            if (ref.matches()) {
                CompiledModel parent = models.get(ref.group(1));
                if (parent == null || parent.ephemeral()) {
                    problems.add(new ProjectProblem(test.file(), test.line(), where + ": input " + g.input()
                            + (parent == null
                                    ? " names no model or seed of this project"
                                    : " is ephemeral: dbt needs 'format: sql' for it, which Strata does not run yet")));
                    continue;
                }
                given.put(parent.name(), cte);
                inputs.add(new CompiledUnitTest.Input(cte, g.input(), parent.schema(), parent.identifier(), g.rows()));
            } else if (src.matches()) {
                SourceTable table = project.sources().get(src.group(1) + "." + src.group(2));
                if (table == null) {
                    problems.add(new ProjectProblem(test.file(), test.line(), where + ": input " + g.input()
                            + " is not declared under 'sources:'"));
                    continue;
                }
                givenSources.put(table.key(), cte);
                given.put(cte, cte);
                inputs.add(new CompiledUnitTest.Input(cte, g.input(), table.schema(), table.identifier(), g.rows()));
            } else {
                given.put(compiled.name(), cte); // this: the model's own table, as an incremental model reads it
                inputs.add(new CompiledUnitTest.Input(cte, g.input(), compiled.schema(), compiled.identifier(), g
                        .rows()));
            }
        }
        Map<String, Object> macros = new LinkedHashMap<>(test.macros());
        Object incremental = macros.remove("is_incremental");
        RenderState state = new RenderState(model.file(), model.name(), Boolean.TRUE.equals(incremental)
                || "true".equalsIgnoreCase(String.valueOf(incremental)));
        state.givenSources = givenSources;
        state.varOverrides = test.vars();
        state.envOverrides = test.envVars();
        Map<String, Object> b = bindings(model.name());
        // a macro's value: a macro of that name defined in front of the model (the model's own calls see it)
        StringBuilder prefix = new StringBuilder();
        for (Map.Entry<String, Object> e : macros.entrySet()) {
            if (!e.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                problems.add(new ProjectProblem(test.file(), test.line(), where + ": overrides of macro '" + e.getKey()
                        + "': only a macro called by its plain name can be overridden"));
                continue;
            }
            b.put("__strata_override_" + e.getKey(), e.getValue());
            prefix.append("{% macro ").append(e.getKey()).append("() %}{{ return(__strata_override_").append(e
                    .getKey()).append(") }}{% endmacro %}");
        }
        String sql = render(state, prefix + model.sql(), b);
        for (Map.Entry<String, Integer> ref : state.refs.entrySet()) {
            if (!given.containsKey(ref.getKey())) {
                problems.add(new ProjectProblem(test.file(), test.line(), where + ": the model reads ref('" + ref
                        .getKey() + "') (" + model.file() + " line " + ref.getValue() + "); give it as an input:"
                        + " 'given: - input: ref('" + ref.getKey() + "')'"));
            }
        }
        for (String source : state.sources) {
            if (!givenSources.containsKey(source)) {
                String[] parts = source.split("\\.", 2);
                problems.add(new ProjectProblem(test.file(), test.line(), where + ": the model reads source('"
                        + parts[0] + "', '" + parts[1] + "'); give it as an input"));
            }
        }
        if (problems.size() > problemsBefore) {
            return null;
        }
        return new CompiledUnitTest(test, TRAILING_SEMICOLONS.matcher(replaceTokens(sql, given).strip()).replaceAll(
                ""), List.copyOf(inputs));
    }

    private boolean needsColumn(DataTest test) {
        if (test.column() == null) {
            problems.add(new ProjectProblem(test.file(), test.line(), test.kind() + " on " + test.model()
                    + " needs a column: declare it under 'columns:' or give 'column_name'"));
            return false;
        }
        return true;
    }
}
