package dev.strata.transform.build;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.quarkus.agroal.DataSource;

import dev.strata.events.AuditRecorded;
import dev.strata.events.DatasetColumn;
import dev.strata.events.DatasetUpdated;
import dev.strata.events.EventCodec;
import dev.strata.events.EventEnvelope;
import dev.strata.events.FreshnessBreached;
import dev.strata.events.QualityTestFailed;
import dev.strata.events.StrataEvent;
import dev.strata.events.TaskFailed;
import dev.strata.events.TaskStarted;
import dev.strata.events.TaskSucceeded;
import dev.strata.outbox.OutboxMessage;
import dev.strata.outbox.TaskHeartbeats;
import dev.strata.outbox.TaskLogs;
import dev.strata.outbox.quarkus.Heartbeats;
import dev.strata.outbox.quarkus.Outbox;
import dev.strata.outbox.quarkus.TaskLogWriter;
import dev.strata.transform.compile.CompiledModel;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.config.TransformConfig;
import dev.strata.transform.lineage.ColumnLineage;
import dev.strata.transform.lineage.LineageClient;
import dev.strata.transform.lineage.OpenLineageEmitter;
import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.Selector;
import dev.strata.transform.project.ProjectException;
import dev.strata.transform.project.SourceTable;
import dev.strata.transform.quality.QualityMetrics;
import dev.strata.transform.run.BuildRunner;
import dev.strata.transform.run.NodeResult;
import dev.strata.transform.version.ProjectService;
import dev.strata.transform.version.ProjectVersion;
import dev.strata.transform.version.ProjectVersionRepository;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.warehouse.Namespaces;
import dev.strata.web.ProblemException;

/**
 * Queues builds (REST and Kafka tasks) and runs them: compile the version with the build's vars, select, plan, run
 * with N threads as the build's namespace role, record every step, then in one transaction the build's outcome and its
 * events (DatasetUpdated per built model, QualityTestFailed per failing or warning test, FreshnessBreached, and the
 * task events when the scheduler asked).
 */
@ApplicationScoped
public class BuildService {

    static final String SOURCE = "/strata/transform";
    private static final Logger LOG = Logger.getLogger(BuildService.class);
    private static final EventCodec CODEC = new EventCodec();
    private static final Pattern NAMED_VERSION = Pattern.compile("^(\\w+)(?:@(\\d+))?$");

    @Inject
    BuildRepository builds;
    @Inject
    ProjectVersionRepository versions;
    @Inject
    ProjectService projects;
    @Inject
    AgroalDataSource db;
    /** Catalog reads only (the columns of a built relation); never a build's SQL. */
    @Inject
    @DataSource("warehouse")
    AgroalDataSource warehouse;
    @Inject
    NamespaceRoles roles;
    @Inject
    Outbox outbox;
    @Inject
    Heartbeats heartbeats;
    @Inject
    TaskLogWriter taskLogs;
    @Inject
    TransformConfig config;
    @Inject
    LineageClient lineage;
    @Inject
    OpenLineageEmitter openLineage;
    @Inject
    BuildWorker worker;
    @Inject
    QualityMetrics metrics;

    /**
     * The models a selection picks in a project version (the newest when {@code version} is null), in the build's
     * order of names: what the scheduler asks when a pipeline naming the selector is saved. 404 when the project or the
     * version does not exist, 400 when the selection cannot be read or a term of it matches nothing (as a build).
     */
    public List<String> selection(String namespace, String project, Integer version, String select) {
        ProjectVersion v = versions.find(namespace, project, version)
                .orElseThrow(() -> ProblemException.notFound("Project '" + project + "' in namespace '" + namespace
                        + "' has " + (version == null ? "no version" : "no version " + version) + "."));
        CompiledProject compiled = projects.compile(namespace, projects.files(v), Map.of());
        try {
            return List.copyOf(Selector.select(compiled, select == null ? "" : select.strip(), ""));
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("The selection is not usable: " + e.getMessage() + ".");
        }
    }

    /** Queues a build asked for through REST; the selection is checked now (400 when it matches nothing). */
    public Build request(String namespace, String project, BuildRequest request, String principal) {
        ProjectVersion v = versions.find(namespace, project, request.version())
                .orElseThrow(() -> ProblemException.notFound("Project '" + project + "' in namespace '" + namespace
                        + "' has " + (request.version() == null ? "no version" : "no version " + request.version())
                        + "; push one first."));
        Map<String, Object> vars = request.vars() == null ? Map.of() : request.vars();
        String select = request.select() == null ? "" : request.select().strip();
        String exclude = request.exclude() == null ? "" : request.exclude().strip();
        CompiledProject compiled = projects.compile(namespace, projects.files(v), vars);
        try {
            if (Selector.select(compiled, select, exclude).isEmpty()) {
                throw ProblemException.badRequest("The selection '" + select + "' excluding '" + exclude
                        + "' leaves no model to build.");
            }
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("The selection is not usable: " + e.getMessage() + ".");
        }
        Build b = new Build(UUID.randomUUID(), namespace, project, v.id(), select, exclude, vars,
                Boolean.TRUE.equals(request.fullRefresh()), "queued", null, null, null, null, principal, Instant.now(),
                null, null, null);
        try (Connection c = db.getConnection()) {
            builds.insert(c, b);
        } catch (SQLException e) {
            throw new IllegalStateException("the build cannot be queued: " + e.getMessage(), e);
        }
        worker.wakeUp();
        return builds.find(b.id()).orElseThrow();
    }

    /** Resolves a task's project version: a version id, {@code <project>@<n>}, or {@code <project>} (newest). */
    public ProjectVersion resolve(String namespace, String projectVersion) {
        try {
            UUID id = UUID.fromString(projectVersion);
            return versions.find(id).filter(v -> v.namespace().equals(namespace)).orElse(null);
        } catch (IllegalArgumentException notAnId) {
            Matcher m = NAMED_VERSION.matcher(projectVersion);
            if (!m.matches()) {
                return null;
            }
            return versions.find(namespace, m.group(1), m.group(2) == null ? null : Integer.valueOf(m.group(2)))
                    .orElse(null);
        }
    }

    /**
     * Ends in error the builds whose worker died {@code max-claims} times, with a TaskFailed for the scheduler's ones
     * (in the same transaction).
     */
    public void giveUpLostBuilds() {
        List<Build> lost;
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                lost = builds.giveUpLost(c, config.lease(), config.maxClaims());
                for (Build b : lost) {
                    LOG.warnf("build %s given up: %s", b.id(), b.error());
                    if (b.taskRunId() != null && b.runId() != null) {
                        outbox.append(c, OutboxMessage.of(EventEnvelope.of(SOURCE, b.taskRunId().toString(),
                                new TaskFailed(b.taskRunId(), b.runId(), b.error(), false, 0, b.taskAttempt())),
                                CODEC));
                    }
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("lost builds cannot be given up: " + e.getMessage(), e);
        }
        if (!lost.isEmpty()) {
            outbox.wakeUp();
        }
    }

    /** Runs a claimed build to its end; never throws. */
    public void execute(Build build) {
        long t0 = System.nanoTime();
        List<NodeResult> results = new ArrayList<>();
        String status;
        String error = null;
        CompiledProject compiled = null;
        TaskHeartbeats.Beat beat = TaskHeartbeats.Beat.NONE;
        TaskLogs.Attempt log = TaskLogs.Attempt.NONE;
        try {
            if (build.taskRunId() != null) {
                emit(List.of(EventEnvelope.of(SOURCE, build.taskRunId().toString(), new TaskStarted(
                        build.taskRunId(), build.runId(), worker.name(), build.taskAttempt()))));
                // the scheduler's task: TaskHeartbeated while the build runs, stopped before its outcome is reported
                beat = heartbeats.start(build.taskRunId(), build.taskAttempt(), worker.name(),
                        config.heartbeatInterval());
                // and its log, read through the scheduler: each model's compiled SQL, timings, test results, errors
                log = taskLogs.open(build.taskRunId(), build.taskAttempt(), worker.name());
                log.info("build " + build.id() + " of project version " + build.versionId() + " started by "
                        + worker.name() + (build.selector() == null ? "" : ", selector " + build.selector()));
            }
            ProjectVersion v = versions.find(build.versionId()).orElseThrow();
            compiled = projects.compile(build.namespace(), projects.files(v), build.vars());
            // the namespace's role and the schemas the project writes, owned by it (the role cannot make schemas)
            roles.ensureSchemas(build.namespace(), List.copyOf(compiled.writtenSchemas()));
            // and the roles its grants name (the namespace's read-only role)
            dev.strata.transform.run.Grants.ensureRoles(roles, compiled);
            Set<String> selected = Selector.select(compiled, build.selector(), build.exclude());
            Plan plan = Plan.of(compiled, selected, true);
            log.info("compiled; " + selected.size() + " node(s) selected");
            OpenLineageEmitter.BuildRuns runs = openLineage.build(build.id(), build.namespace(), compiled,
                    this::columns);
            String namespace = build.namespace();
            TaskLogs.Attempt taskLog = log;
            BuildRunner runner = new BuildRunner(compiled, () -> roles.open(namespace), new BuildRunner.Options(
                    config.threads(), build.fullRefresh(), config.quarantineLimit(), true), new BuildRunner.Listener() {
                        @Override
                        public void onResult(NodeResult r) {
                            builds.addNode(build.id(), r);
                            runs.finished(r);
                            logResult(taskLog, r);
                        }

                        @Override
                        public void onModelStarted(CompiledModel model) {
                            runs.started(model);
                            taskLog.info(model.kind() + " " + model.name() + " started (" + model.materialized()
                                    + " " + model.schema() + "." + model.identifier() + ")");
                        }
                    });
            results.addAll(runner.run(plan));
            List<NodeResult> bad = results.stream().filter(r -> !r.ok()).toList();
            status = bad.isEmpty() ? "success" : "failed";
            if (!bad.isEmpty()) {
                long failed = bad.stream().filter(r -> !r.status().equals("skipped")).count();
                error = failed + " step" + (failed == 1 ? "" : "s") + " failed, " + (bad.size() - failed)
                        + " skipped; first: " + bad.stream().filter(r -> !r.status().equals("skipped")).findFirst()
                                .map(r -> r.node() + ": " + r.error()).orElse(bad.get(0).error());
            }
        } catch (ProjectException e) {
            status = "error";
            error = "the project does not compile with this build's vars: " + e.getMessage();
        } catch (IllegalArgumentException e) {
            status = "error";
            error = e.getMessage();
        } catch (Exception e) {
            LOG.errorf(e, "build %s could not run", build.id());
            status = "error";
            error = "the build could not run: " + e.getMessage();
        } finally {
            beat.close();
        }
        long durationMs = (System.nanoTime() - t0) / 1_000_000;
        if (error != null) {
            log.error(status + ": " + error);
        } else {
            log.info("build succeeded in " + durationMs + " ms: " + results.size() + " step(s)");
        }
        log.close(); // the last lines before the outcome
        finish(build, compiled, results, status, error, durationMs);
        if (compiled != null && lineage.enabled()) {
            pushLineage(build, compiled, results);
        }
    }

    /** A model's or test's outcome in the task log: status, timing, rows, its compiled SQL, its error. */
    private static void logResult(TaskLogs.Attempt log, NodeResult r) {
        String line = r.kind() + " " + r.node() + ": " + r.status() + " in " + r.durationMs() + " ms"
                + (r.rows() == null ? "" : ", " + r.rows() + " rows");
        if (r.status().equals("skipped")) {
            log.warn(line + (r.error() == null ? "" : " (" + r.error() + ")"));
            return;
        }
        if (r.ok()) {
            log.log(r.status().equals("warn") ? "warn" : "info", line);
        } else {
            log.error(line + (r.error() == null ? "" : ": " + r.error()));
        }
        if (r.sql() != null && !r.sql().isBlank()) {
            log.info("compiled SQL of " + r.node() + ":\n" + r.sql());
        }
    }

    private void finish(Build build, CompiledProject compiled, List<NodeResult> results, String status, String error,
            long durationMs) {
        List<EventEnvelope<?>> events = new ArrayList<>();
        long rows = 0;
        int models = 0;
        for (NodeResult r : results) {
            switch (r.kind()) {
                case "model", "seed" -> {
                    if (r.status().equals("success") && compiled != null) {
                        models++;
                        rows += r.rows() == null ? 0 : r.rows();
                        CompiledModel m = compiled.model(r.node());
                        events.add(EventEnvelope.of(SOURCE, build.namespace() + "." + m.name(), new DatasetUpdated(
                                build.namespace(), m.name(), UUID.randomUUID(), r.rows() == null ? 0 : r.rows(), 0,
                                build.id(), "postgresql://warehouse/" + m.schema() + "." + m.identifier(),
                                build.runId(), columns(m))));
                    }
                }
                case "test" -> {
                    if (r.status().equals("fail") || r.status().equals("warn")) {
                        metrics.testFailed(build.namespace() + "." + r.dataset(), r.node());
                        events.add(EventEnvelope.of(SOURCE, build.namespace() + "." + r.dataset(),
                                new QualityTestFailed(build.namespace(), r.dataset(), r.node(), r.materialized(),
                                        r.rows() == null ? 0 : r.rows(), build.runId())));
                    }
                }
                case "freshness" -> {
                    SourceTable source = compiled == null ? null : compiled.project().sources().get(r.node());
                    if (source != null) {
                        metrics.freshnessChecked(build.namespace() + "." + r.dataset(),
                                r.materialized() == null ? null : Instant.parse(r.materialized()),
                                source.errorAfterSecs());
                    }
                    if (r.status().equals("warn") || r.status().equals("error")) {
                        events.add(EventEnvelope.of(SOURCE, build.namespace() + "." + r.dataset(),
                                new FreshnessBreached(build.namespace(), r.dataset(), r.materialized() == null
                                        ? null
                                        : Instant.parse(r.materialized()), r.rows() == null ? 0 : r.rows(),
                                        r.status())));
                    }
                }
                default -> {
                }
            }
        }
        if (build.taskRunId() != null) {
            Map<String, String> outputs = new LinkedHashMap<>();
            outputs.put("buildId", build.id().toString());
            outputs.put("models", String.valueOf(models));
            events.add(EventEnvelope.of(SOURCE, build.taskRunId().toString(), status.equals("success")
                    ? new TaskSucceeded(build.taskRunId(), build.runId(), rows, 0, durationMs, outputs,
                            build.taskAttempt())
                    : new TaskFailed(build.taskRunId(), build.runId(), error == null ? status : error,
                            status.equals("error") && error != null && !error.contains("does not compile"),
                            durationMs, build.taskAttempt())));
        }
        events.add(audit(build, status, error, models, rows, durationMs));
        Map<String, String> artifacts = compiled == null
                ? Map.of()
                : DbtArtifacts.of(build, compiled, results, Instant.now(), durationMs);
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try {
                builds.finish(c, build.id(), status, error);
                builds.saveArtifacts(c, build.id(), artifacts);
                for (EventEnvelope<?> e : events) {
                    outbox.append(c, OutboxMessage.of(e, CODEC));
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            LOG.errorf("build %s finished but its outcome could not be recorded: %s", build.id(), e.getMessage());
            return;
        }
        outbox.wakeUp();
    }

    /**
     * The build for the audit log (ADR 0005): who asked for it, in which namespace, which project version and
     * selection, and how it ended; committed with the build's outcome.
     */
    private static EventEnvelope<AuditRecorded> audit(Build build, String status, String error, int models, long rows,
            long durationMs) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("project", build.project());
        details.put("versionId", String.valueOf(build.versionId()));
        if (build.selector() != null) {
            details.put("select", build.selector());
        }
        if (build.exclude() != null) {
            details.put("exclude", build.exclude());
        }
        details.put("role", Namespaces.role(build.namespace()));
        details.put("status", status);
        details.put("models", String.valueOf(models));
        details.put("rows", String.valueOf(rows));
        details.put("durationMs", String.valueOf(durationMs));
        if (build.runId() != null) {
            details.put("runId", build.runId().toString());
        }
        if (error != null) {
            details.put("error", error.length() > 1000 ? error.substring(0, 1000) + "..." : error);
        }
        String actor = build.requestedBy() == null ? "unknown" : build.requestedBy();
        return EventEnvelope.of(SOURCE, build.namespace(), new AuditRecorded(actor,
                status.equals("success") ? "build.succeeded" : "build.failed", build.id().toString(),
                build.namespace(), details));
    }

    private void emit(List<EventEnvelope<? extends StrataEvent>> events) throws SQLException {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            for (EventEnvelope<?> e : events) {
                outbox.append(c, OutboxMessage.of(e, CODEC));
            }
            c.commit();
        }
        outbox.wakeUp();
    }

    private List<DatasetColumn> columns(CompiledModel m) {
        List<DatasetColumn> cols = new ArrayList<>();
        try (Connection c = warehouse.getConnection();
                PreparedStatement ps = c.prepareStatement("select a.attname,"
                        + " format_type(a.atttypid, a.atttypmod) from pg_attribute a join pg_class t on t.oid = a.attrelid"
                        + " join pg_namespace n on n.oid = t.relnamespace where n.nspname = ? and t.relname = ? and"
                        + " a.attnum > 0 and not a.attisdropped order by a.attnum")) {
            ps.setString(1, m.schema());
            ps.setString(2, m.identifier());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    cols.add(new DatasetColumn(rs.getString(1), rs.getString(2)));
                }
            }
        } catch (SQLException e) {
            LOG.debugf("columns of %s unknown: %s", m.relation(), e.getMessage());
        }
        return cols;
    }

    private void pushLineage(Build build, CompiledProject compiled, List<NodeResult> results) {
        for (NodeResult r : results) {
            if (r.kind().equals("model") && r.status().equals("success")) {
                CompiledModel m = compiled.model(r.node());
                lineage.push(build.namespace(), m.name(), ColumnLineage.of(compiled, m, build.namespace()));
            }
        }
    }
}
