package dev.strata.transform.compile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.strata.transform.project.ProjectProblem;

/** What one template render collected: refs, sources, config, problems. Lives in a thread local while rendering. */
final class RenderState {

    static final ThreadLocal<RenderState> CURRENT = new ThreadLocal<>();

    final String file;
    final String self;
    final boolean incremental;
    final Map<String, Integer> refs = new LinkedHashMap<>();
    final Set<String> sources = new LinkedHashSet<>();
    final Map<String, Object> config = new LinkedHashMap<>();
    final List<ProjectProblem> problems = new ArrayList<>();
    /** Template errors that happened inside a macro, with the macro's file. */
    final Map<com.hubspot.jinjava.interpret.TemplateError, String> errorFiles = new java.util.IdentityHashMap<>();
    /** The template ran {@code statement} / {@code run_query}: at build time it is rendered again with a connection. */
    boolean usesQueries;
    /** The build's connection (the namespace's role) when the template runs at build time ({@code execute}), else null. */
    java.sql.Connection connection;
    /** The namespace the build runs for (with {@link #connection}): adapter lookups stay in its schemas. */
    String namespace;
    final Map<String, QueryResult> results = new java.util.HashMap<>();
    /** Fills in the relation names of a query that run_query / statement runs. */
    java.util.function.UnaryOperator<String> resolver = java.util.function.UnaryOperator.identity();
    /** A unit test's render: its given sources (source.table → the CTE standing for it), else null. */
    Map<String, String> givenSources;
    /** A unit test's {@code overrides: vars:} and {@code env_vars:}, else empty. */
    Map<String, Object> varOverrides = Map.of();
    Map<String, Object> envOverrides = Map.of();

    RenderState(String file, String self, boolean incremental) {
        this.file = file;
        this.self = self;
        this.incremental = incremental;
    }
}
