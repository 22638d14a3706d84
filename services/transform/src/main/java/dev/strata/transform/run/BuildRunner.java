package dev.strata.transform.run;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.CompiledTest;
import dev.strata.transform.compile.CompiledUnitTest;
import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.PlanNode;
import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.SourceTable;
import dev.strata.transform.quality.DataTestRunner;
import dev.strata.transform.quality.FreshnessCheck;

/**
 * Runs a plan with N threads in topological order. A model that fails, or an error-severity test that finds rows,
 * skips everything downstream of it; the other branches go on.
 *
 * <p>
 * Every statement runs on a connection from {@link Connections} — in the service, logged in as the build's namespace
 * role, so Postgres itself keeps the build inside its namespace. Each thread opens one when it first needs it and
 * keeps it for the build; a step that fails (or leaves a transaction open) gives its connection up, so the next step
 * starts from a clean session. All of them are closed when the build ends.
 */
public final class BuildRunner {

    /** Where the build's SQL runs: new connections as the build's namespace role (the runner closes them). */
    @FunctionalInterface
    public interface Connections {
        Connection open() throws SQLException;
    }

    /** Told about each step as soon as it is done (from worker threads). */
    @FunctionalInterface
    public interface Listener {
        void onResult(NodeResult result);

        /** A model or seed is about to run (from its worker thread); skipped ones never start. */
        default void onModelStarted(CompiledModel model) {
        }
    }

    /**
     * @param threads          models run at once
     * @param fullRefresh      rebuild incremental models from scratch
     * @param quarantineLimit  failing rows kept per test
     * @param checkFreshness   check the freshness of the sources the selected models read
     */
    public record Options(int threads, boolean fullRefresh, int quarantineLimit, boolean checkFreshness) {
    }

    private final CompiledProject project;
    private final Connections connections;
    private final Options options;
    private final Listener listener;
    private final ThreadLocal<Connection> held = new ThreadLocal<>();
    private final List<Connection> opened = Collections.synchronizedList(new ArrayList<>());

    public BuildRunner(CompiledProject project, Connections connections, Options options, Listener listener) {
        this.project = project;
        this.connections = connections;
        this.options = options;
        this.listener = listener;
    }

    public List<NodeResult> run(Plan plan) {
        List<NodeResult> results = Collections.synchronizedList(new ArrayList<>());
        Listener record = r -> {
            results.add(r);
            listener.onResult(r);
        };
        if (options.checkFreshness()) {
            try {
                freshness(plan, record);
            } finally {
                closeAll();
            }
        }
        if (!runHooks("on-run-start", List.of(), record)) {
            // dbt: a failing on-run-start ends the run before the first node
            for (PlanNode n : plan.nodes()) {
                record.onResult(skipped(n, "on-run-start"));
            }
            closeAll();
            return List.copyOf(results);
        }
        Map<String, PlanNode> nodes = new HashMap<>();
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (PlanNode n : plan.nodes()) {
            nodes.put(n.id(), n);
            waiting.put(n.id(), n.dependsOn().size());
            for (String dep : n.dependsOn()) {
                children.computeIfAbsent(dep, k -> new ArrayList<>()).add(n.id());
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, options.threads()), r -> {
            Thread t = new Thread(r, "strata-transform-model");
            t.setDaemon(true);
            return t;
        });
        CompletionService<NodeResult> done = new ExecutorCompletionService<>(pool);
        Map<Future<NodeResult>, String> running = new HashMap<>();
        Set<String> finished = new LinkedHashSet<>();
        try {
            for (PlanNode n : plan.nodes()) {
                if (n.dependsOn().isEmpty()) {
                    running.put(done.submit(() -> execute(n)), n.id());
                }
            }
            while (!running.isEmpty()) {
                Future<NodeResult> f = done.take();
                String id = running.remove(f);
                NodeResult result;
                try {
                    result = f.get();
                } catch (ExecutionException e) {
                    PlanNode n = nodes.get(id);
                    result = new NodeResult(n.name(), kind(n), "error", null, null, null, 0, null,
                            "unexpected failure: " + e.getCause(), Instant.now(), null);
                }
                record.onResult(result);
                finished.add(id);
                if (result.ok()) {
                    for (String child : children.getOrDefault(id, List.of())) {
                        if (waiting.merge(child, -1, Integer::sum) == 0 && !finished.contains(child)) {
                            PlanNode n = nodes.get(child);
                            running.put(done.submit(() -> execute(n)), child);
                        }
                    }
                } else {
                    skipDescendants(id, result.node(), children, nodes, finished, record);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
        try {
            runHooks("on-run-end", List.copyOf(results), record);
        } finally {
            closeAll();
        }
        return List.copyOf(results);
    }

    /**
     * dbt_project.yml's {@code on-run-start} / {@code on-run-end}, in order on one connection (the namespace's role),
     * recorded as one {@code hook} step named after the key; the first failing statement ends it with its index.
     */
    private boolean runHooks(String key, List<NodeResult> done, Listener record) {
        var compiler = project.compiler();
        if (compiler.runHooks(key).isEmpty()) {
            return true;
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        List<String> statements = List.of();
        boolean ok = false;
        int index = 0;
        try {
            Connection c = connection();
            statements = compiler.renderRunHooks(key, c, done.stream().filter(r -> !r.kind()
                    .equals("hook")).map(BuildRunner::asDbtResult).toList());
            for (; index < statements.size(); index++) {
                try (java.sql.Statement st = c.createStatement()) {
                    st.execute(statements.get(index));
                }
            }
            ok = true;
            record.onResult(new NodeResult(key, "hook", "success", null, null, null, millis(t0), String.join(";\n",
                    statements), null, started, null));
            return true;
        } catch (SQLException e) {
            String sql = index < statements.size() ? statements.get(index) : null;
            record.onResult(new NodeResult(key, "hook", "error", null, null, null, millis(t0), sql,
                    "dbt_project.yml: " + key + " hook " + (index + 1) + " failed: " + describe(e, sql), started,
                    null));
            return false;
        } catch (ProjectException e) {
            record.onResult(new NodeResult(key, "hook", "error", null, null, null, millis(t0), null, e.getMessage(),
                    started, null));
            return false;
        } finally {
            release(ok);
        }
    }

    /** A step as dbt's on-run-end {@code results} shows it: {@code node}, {@code status}, {@code message}, .... */
    private static Map<String, Object> asDbtResult(NodeResult r) {
        Map<String, Object> node = new java.util.LinkedHashMap<>();
        node.put("name", r.node());
        node.put("resource_type", r.kind());
        node.put("unique_id", r.kind() + "." + r.node());
        node.put("relation_name", r.relation());
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("node", node);
        out.put("status", r.status());
        out.put("message", r.error());
        out.put("execution_time", r.durationMs() / 1000.0);
        out.put("rows_affected", r.rows());
        return out;
    }

    private NodeResult skipped(PlanNode n, String failedName) {
        return new NodeResult(n.name(), kind(n), "skipped", n.model() != null ? n.model().relation() : null,
                n.model() != null
                        ? n.model().materialized()
                        : n.test() != null ? n.test().test().severity() : "error",
                null, 0, n.model() != null ? n.model().sql() : n.test() != null ? n.test().sql() : n.unitTest().sql(),
                "skipped because " + failedName + " did not succeed", Instant.now(), n.test() != null
                        ? n.test().dataset()
                        : n.unitTest() != null
                                ? n.unitTest().model()
                                : null);
    }

    private void skipDescendants(String failed, String failedName, Map<String, List<String>> children,
            Map<String, PlanNode> nodes, Set<String> finished, Listener record) {
        Deque<String> queue = new ArrayDeque<>(children.getOrDefault(failed, List.of()));
        while (!queue.isEmpty()) {
            String id = queue.poll();
            if (!finished.add(id)) {
                continue;
            }
            record.onResult(skipped(nodes.get(id), failedName + " upstream"));
            queue.addAll(children.getOrDefault(id, List.of()));
        }
    }

    private static String kind(PlanNode n) {
        return n.isTest() ? "test" : n.isUnitTest() ? "unit_test" : n.model().kind();
    }

    private NodeResult execute(PlanNode node) {
        return node.isTest() ? test(node.test()) : node.isUnitTest() ? unitTest(node.unitTest()) : model(node.model());
    }

    private NodeResult unitTest(CompiledUnitTest t) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        boolean ok = false;
        try {
            UnitTestRunner.Outcome outcome = UnitTestRunner.run(connection(), t);
            ok = true;
            return new NodeResult(t.name(), "unit_test", outcome.differing() == 0 ? "pass" : "fail", null, "error",
                    outcome.differing(), millis(t0), outcome.sql(), outcome.message(), started, t.model());
        } catch (SQLException e) {
            return new NodeResult(t.name(), "unit_test", "error", null, "error", null, millis(t0), t.sql(),
                    t.test().file() + ": unit test " + t.name() + " of model " + t.model() + " could not run: "
                            + describe(e, t.sql()),
                    started, t.model());
        } finally {
            release(ok);
        }
    }

    private NodeResult model(CompiledModel m) {
        listener.onModelStarted(m);
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String sql = m.sql();
        boolean ok = false;
        try {
            Connection c = connection();
            var compiler = project.compiler();
            boolean runsQueries = compiler.runsQueries(m.name());
            if (runsQueries && !m.materialized().equals("incremental")) {
                // run_query / statement: rendered again now, with execute true, on this connection
                sql = compiler.renderForRun(m.name(), false, c);
            }
            Map<String, String> contract = compiler.contract(m.name());
            if (!contract.isEmpty() && !m.materialized().equals("incremental")) {
                sql = Materializer.enforceContract(c, m, sql, contract);
            }
            Materializer.hooks(c, m, compiler.preHooks(m.name()), "pre_hook");
            Long rows;
            switch (m.materialized()) {
                case "seed" -> rows = SeedLoader.load(c, m, project.project().seeds().get(m.name()).csv());
                case "view" -> rows = Materializer.view(c, m, sql);
                case "table" -> rows = Materializer.table(c, m, sql, compiler.tableElements(m.name()), contract
                        .keySet(), compiler.constraintIndexNames(m.name()));
                case "snapshot" -> rows = Materializer.snapshot(c, m, sql);
                case "incremental" -> {
                    String kind = Materializer.relkind(c, m.schema(), m.identifier());
                    if (options.fullRefresh() || kind == null || !kind.equals("r")) {
                        if (runsQueries) {
                            sql = compiler.renderForRun(m.name(), false, c);
                        }
                        if (!contract.isEmpty()) {
                            sql = Materializer.enforceContract(c, m, sql, contract);
                        }
                        rows = Materializer.table(c, m, sql, compiler.tableElements(m.name()),
                                contract.keySet(), compiler.constraintIndexNames(m.name()));
                    } else {
                        sql = compiler.renderForRun(m.name(), true, runsQueries ? c : null);
                        if (!contract.isEmpty()) {
                            sql = Materializer.enforceContract(c, m, sql, contract);
                        }
                        rows = Materializer.incremental(c, m, sql);
                    }
                }
                default -> throw new IllegalStateException("materialization " + m.materialized());
            }
            Materializer.hooks(c, m, compiler.postHooks(m.name()), "post_hook");
            Grants.apply(c, m, project.namespace());
            ok = true;
            return new NodeResult(m.name(), m.kind(), "success", m.relation(), m.materialized(), rows, millis(t0), sql,
                    null, started, null);
        } catch (SQLException e) {
            return new NodeResult(m.name(), m.kind(), "error", m.relation(), m.materialized(), null, millis(t0), sql,
                    m.file() + ": " + describe(e, sql), started, null);
        } catch (ProjectException e) {
            return new NodeResult(m.name(), m.kind(), "error", m.relation(), m.materialized(), null, millis(t0), sql,
                    e.getMessage(), started, null);
        } finally {
            release(ok);
        }
    }

    private NodeResult test(CompiledTest t) {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        String severity = t.test().severity();
        boolean ok = false;
        try {
            Connection c = connection();
            long failing = DataTestRunner.run(c, project.quarantineSchema(), project.project().name(), t,
                    options.quarantineLimit());
            ok = true;
            String status = failing == 0 ? "pass" : severity.equals("warn") ? "warn" : "fail";
            String error = failing == 0
                    ? null
                    : failing + " failing row" + (failing == 1 ? "" : "s") + " for " + t.name() + " on " + t.dataset()
                            + "; up to " + options.quarantineLimit() + " kept in " + project.quarantineSchema() + "."
                            + DataTestRunner.quarantineTable(project.project().name(), t);
            return new NodeResult(t.test().id(), "test", status, null, severity, failing, millis(t0), t.sql(), error,
                    started, t.dataset());
        } catch (SQLException e) {
            return new NodeResult(t.test().id(), "test", "error", null, severity, null, millis(t0), t.sql(),
                    t.test().file() + ": test " + t.name() + " could not run: " + describe(e, t.sql()), started,
                    t.dataset());
        } finally {
            release(ok);
        }
    }

    private void freshness(Plan plan, Listener record) {
        Set<String> sources = new LinkedHashSet<>();
        plan.models().forEach(n -> sources.addAll(n.model().sources()));
        Instant now = Instant.now();
        for (String key : sources) {
            SourceTable table = project.project().sources().get(key);
            if (table == null || !FreshnessCheck.applies(table)) {
                continue;
            }
            Instant started = Instant.now();
            long t0 = System.nanoTime();
            boolean ok = false;
            try {
                FreshnessCheck.Result r = FreshnessCheck.check(connection(), table, now);
                ok = true;
                record.onResult(new NodeResult(key, "freshness", r.status(), table.schema() + "." + table.identifier(),
                        r.loadedAt() == null ? null : r.loadedAt().toString(), r.threshold(), millis(t0), null,
                        r.status().equals("pass")
                                ? null
                                : "source " + key + " was last loaded "
                                        + (r.loadedAt() == null ? "never" : "at " + r.loadedAt()) + ", older than "
                                        + r.threshold() + " s (" + r.status() + ")",
                        started, table.identifier()));
            } catch (SQLException e) {
                record.onResult(new NodeResult(key, "freshness", "error", table.schema() + "." + table.identifier(),
                        null, null, millis(t0), null, table.file() + ": freshness of source " + key
                                + " could not be checked: " + describe(e, null),
                        started, table.identifier()));
            } finally {
                release(ok);
            }
        }
    }

    /** This thread's connection for the build, opened on first use. */
    private Connection connection() throws SQLException {
        Connection c = held.get();
        if (c == null) {
            c = connections.open();
            opened.add(c);
            held.set(c);
        }
        return c;
    }

    /**
     * After a step: a connection whose step failed, or that the step's SQL left inside a transaction, is closed (the
     * next step on this thread opens a fresh one); otherwise it is kept for the next step.
     */
    private void release(boolean ok) {
        Connection c = held.get();
        if (c == null) {
            return;
        }
        boolean clean = ok;
        try {
            clean = clean && !c.isClosed() && c.getAutoCommit()
                    && (!c.isWrapperFor(BaseConnection.class)
                            || c.unwrap(BaseConnection.class).getTransactionState() == TransactionState.IDLE);
        } catch (SQLException e) {
            clean = false;
        }
        if (!clean) {
            held.remove();
            opened.remove(c);
            close(c);
        }
    }

    private void closeAll() {
        held.remove();
        List<Connection> all;
        synchronized (opened) {
            all = List.copyOf(opened);
            opened.clear();
        }
        all.forEach(BuildRunner::close);
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // gone already: nothing to give back
        }
    }

    private static long millis(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The database's message, with the line of the compiled SQL it points at. */
    static String describe(SQLException e, String sql) {
        if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
            ServerErrorMessage m = p.getServerErrorMessage();
            String text = m.getMessage();
            if (m.getPosition() > 0) {
                text += " (at character " + m.getPosition() + " of the statement)";
            }
            return text;
        }
        return e.getMessage();
    }
}
