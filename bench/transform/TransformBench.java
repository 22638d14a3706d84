import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;
import dev.strata.transform.compile.CompiledProject;
import dev.strata.transform.compile.SqlCompiler;
import dev.strata.transform.demo.SalesDemoData;
import dev.strata.transform.plan.Plan;
import dev.strata.transform.plan.PlanNode;
import dev.strata.transform.plan.Selector;
import dev.strata.transform.project.ProjectFiles;
import dev.strata.transform.project.ProjectLoader;
import dev.strata.transform.run.BuildRunner;
import dev.strata.transform.run.NodeResult;
import dev.strata.warehouse.NamespaceRoles;

/**
 * The transform engine's two benchmark figures (bench/transform/run.sh runs it):
 *
 * <pre>
 * java TransformBench.java plan [N [W]] parse + compile + plan a generated N-model project: cold, then W warm times
 * java TransformBench.java overhead DIR  the demo project built by the engine vs its compiled SQL run over JDBC
 * </pre>
 *
 * Prints {@code key=value} lines.
 */
public class TransformBench {

    static final String NAMESPACE = "bench";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("write")) {
            // the generated project as a folder (bench/cli: strata project validate on it)
            Path root = Path.of(args[2]);
            for (var e : generatedProject(Integer.parseInt(args[1])).entrySet()) {
                Path file = root.resolve(e.getKey());
                java.nio.file.Files.createDirectories(file.getParent());
                java.nio.file.Files.writeString(file, e.getValue());
            }
        } else if (args[0].equals("plan")) {
            plan(Integer.parseInt(args.length > 1 ? args[1] : "1000"), Integer.parseInt(args.length > 2 ? args[2] : "10"));
        } else {
            overhead(Path.of(args[1]), Path.of(args.length > 2 ? args[2] : "docs/examples/sales"),
                    Integer.parseInt(System.getenv().getOrDefault("BENCH_ROUNDS", "7")));
        }
    }

    // --- (2) parse + compile + plan ---------------------------------------------------------------------------------

    /**
     * The first compile in this fresh JVM (cold: class loading and JIT included), then {@code warm} more of the same
     * archive in the same JVM, as a running service compiles every upload. Each one is what a push does:
     * {@link ProjectFiles#fromArchive} + {@link SqlCompiler#compileFiles} (load, Jinja, DAG), then the plan of a full
     * build with its tests. Wall times.
     */
    static void plan(int models, int warm) throws Exception {
        byte[] archive = zip(generatedProject(models));
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        List<Double> walls = new ArrayList<>();
        List<Double> procs = new ArrayList<>();
        Plan plan = null;
        double coldCpu = 0;
        double coldProc = 0;
        for (int i = 0; i <= warm; i++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long proc0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            CompiledProject p = SqlCompiler.compileFiles(ProjectFiles.fromArchive(archive), NAMESPACE, Map.of(),
                    "silver");
            plan = Plan.of(p, Selector.select(p, "", null), true);
            walls.add((System.nanoTime() - t0) / 1e9);
            procs.add((os.getProcessCpuTime() - proc0) / 1e9);
            if (i == 0) {
                coldCpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
                coldProc = (os.getProcessCpuTime() - proc0) / 1e9;
            }
        }
        long modelNodes = plan.nodes().stream().filter(n -> !n.isTest()).count();
        List<Double> warmWalls = new ArrayList<>(walls.subList(1, walls.size()));
        System.out.printf("plan.cold_seconds=%.3f%nplan.cold_thread_cpu_seconds=%.3f%nplan.cold_process_cpu_seconds=%.3f%n"
                + "plan.warm_seconds=%.3f%nplan.warm_all=%s%nplan.warm_process_cpu_seconds=%.3f%nplan.models=%d%n"
                + "plan.tests=%d%nplan.archive_bytes=%d%n",
                walls.get(0), coldCpu, coldProc, median(warmWalls), warmWalls.stream().map(w -> String.format("%.3f", w))
                        .toList(), median(procs.subList(1, procs.size())), modelNodes, plan.nodes().size() - modelNodes,
                archive.length);
    }

    static byte[] zip(Map<String, String> files) throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry("big/" + f.getKey()));
                zip.write(f.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A project of {@code n} models: staging models on 20 sources, then layers that ref 1 to 3 earlier models. */
    static Map<String, String> generatedProject(int n) {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("dbt_project.yml", """
                name: big
                vars:
                  cutoff: '2024-01-01'
                models:
                  big:
                    staging:
                      +materialized: view
                      +schema: bronze
                      +tags: [staging]
                    core:
                      +materialized: table
                      +schema: silver
                    marts:
                      +materialized: table
                      +schema: gold
                """);
        StringBuilder sources = new StringBuilder("version: 2\nsources:\n  - name: raw\n    tables:\n");
        for (int t = 0; t < 20; t++) {
            sources.append("      - name: t").append(t).append('\n');
        }
        files.put("models/sources.yml", sources.toString());
        files.put("macros/util.sql", """
                {% macro cents(col) -%} round({{ col }} * 100)::bigint {%- endmacro %}
                {% macro recent(col) -%} {{ col }} >= '{{ var('cutoff') }}'::date {%- endmacro %}
                """);
        StringBuilder schema = new StringBuilder("version: 2\nmodels:\n");
        int staging = Math.max(1, n / 10);
        for (int i = 0; i < n; i++) {
            String name = "m" + i;
            String folder = i < staging ? "staging" : i < n * 7 / 10 ? "core" : "marts";
            StringBuilder sql = new StringBuilder();
            if (i < staging) {
                sql.append("select id, {{ cents('amount') }} as amount_cents,\n");
                sql.append("{% for c in ['a', 'b', 'c'] %}    col_{{ c }},\n{% endfor %}");
                sql.append("    updated_at\nfrom {{ source('raw', 't").append(i % 20).append("') }}\n");
                sql.append("where {{ recent('updated_at') }}\n");
            } else {
                long seed = i * 2654435761L;
                int refs = 1 + (int) (Math.abs(seed) % 3);
                sql.append("{{ config(tags=['layer_").append(folder).append("']) }}\n");
                sql.append("with base as (\n    select * from {{ ref('m").append(Math.abs(seed) % i).append("') }}\n)");
                for (int r = 1; r < refs; r++) {
                    sql.append(",\nj").append(r).append(" as (\n    select id, amount_cents as amount_").append(r)
                            .append(" from {{ ref('m").append(Math.abs(seed >> (8 * r)) % i).append("') }}\n)");
                }
                sql.append("\nselect base.id, base.amount_cents");
                for (int r = 1; r < refs; r++) {
                    sql.append(", j").append(r).append(".amount_").append(r);
                }
                sql.append(", base.updated_at\nfrom base");
                for (int r = 1; r < refs; r++) {
                    sql.append("\nleft join j").append(r).append(" using (id)");
                }
                sql.append("\n{% if is_incremental() %}where base.updated_at > (select max(updated_at) from {{ this }})"
                        + "{% endif %}\n");
            }
            files.put("models/" + folder + "/" + name + ".sql", sql.toString());
            schema.append("  - name: ").append(name).append("\n    description: model ").append(i)
                    .append("\n    columns:\n      - name: id\n        tests: [unique, not_null]\n");
        }
        files.put("models/schema.yml", schema.toString());
        return files;
    }

    // --- (1) engine overhead per model ------------------------------------------------------------------------------

    static void overhead(Path stackDir, Path demo, int rounds) throws Exception {
        try (DevStack stack = DevStack.start(stackDir, Component.parse("postgres"))) {
            // as the service builds: every statement as the namespace's own role, in its schemas
            Map<String, String> config = stack.serviceConfig();
            NamespaceRoles roles = new NamespaceRoles(config.get("strata.warehouse.jdbc-url"),
                    config.get("strata.warehouse.username"), config.get("strata.warehouse.password"),
                    config.get("strata.warehouse.role-key"));
            try (Connection c = roles.open(NAMESPACE)) {
                SalesDemoData.generate(c, NAMESPACE, demo.resolve("data/generate_raw.sql"), 1);
            }
            BlockingQueue<Connection> pool = new ArrayBlockingQueue<>(4);
            List<Connection> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Connection c = roles.open(NAMESPACE);
                all.add(c);
                pool.add(c);
            }
            BuildRunner.Connections pooled = () -> pooled(pool);
            CompiledProject project = SqlCompiler.compile(ProjectLoader.load(ProjectFiles.fromDirectory(demo)),
                    NAMESPACE, Map.of(), "silver");
            roles.ensureSchemas(NAMESPACE, List.copyOf(project.writtenSchemas()));
            Plan plan = Plan.of(project, Selector.select(project, "", null), false);
            List<PlanNode> models = plan.models();
            BuildRunner engine = new BuildRunner(project, pooled, new BuildRunner.Options(1, false, 0, false), r -> {
                    });

            // the first build creates everything; then alternate engine and baseline rounds
            check(engine.run(plan));
            baseline(all.get(0), models);
            List<Double> engineMs = new ArrayList<>();
            List<Double> jdbcMs = new ArrayList<>();
            // the JVM's CPU time too: what the engine itself spends, which waiting for a busy core does not inflate
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();
            List<Double> cpuPaired = new ArrayList<>();
            for (int r = 0; r < rounds + 2; r++) {
                long c0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                check(engine.run(plan));
                double e = (System.nanoTime() - t0) / 1e6;
                long c1 = os.getProcessCpuTime();
                long t1 = System.nanoTime();
                baseline(all.get(0), models);
                double j = (System.nanoTime() - t1) / 1e6;
                long c2 = os.getProcessCpuTime();
                if (r >= 2) { // two warm-up rounds
                    engineMs.add(e);
                    jdbcMs.add(j);
                    cpuPaired.add(((c1 - c0) - (c2 - c1)) / 1e6 / models.size());
                }
            }
            double engineMedian = median(engineMs);
            double jdbcMedian = median(jdbcMs);
            // each round's engine build against the JDBC baseline right after it, per model: the pairs share the
            // machine's load at that moment, so their differences spread less than the two medians do
            List<Double> paired = new ArrayList<>();
            for (int i = 0; i < engineMs.size(); i++) {
                paired.add((engineMs.get(i) - jdbcMs.get(i)) / models.size());
            }
            System.out.printf("overhead.models=%d%noverhead.engine_ms=%.1f%noverhead.jdbc_ms=%.1f%n"
                    + "overhead.ms_per_model=%.2f%noverhead.rounds=%d%noverhead.paired_median=%.2f%n"
                    + "overhead.paired_min=%.2f%noverhead.paired_max=%.2f%noverhead.cpu_ms_per_model=%.2f%n"
                    + "overhead.cpu_min=%.2f%noverhead.cpu_max=%.2f%n", models.size(), engineMedian, jdbcMedian,
                    (engineMedian - jdbcMedian) / models.size(), rounds, median(paired), Collections.min(paired),
                    Collections.max(paired), median(cpuPaired), Collections.min(cpuPaired), Collections.max(
                            cpuPaired));
            for (Connection c : all) {
                c.close();
            }
        }
    }

    /** The same compiled SQL, straight through JDBC on one connection: views replaced, tables dropped and created. */
    static void baseline(Connection c, List<PlanNode> models) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (PlanNode n : models) {
                var m = n.model();
                if (m.materialized().equals("view")) {
                    s.execute("create or replace view " + m.relation() + " as\n" + m.sql());
                } else {
                    s.execute("drop table if exists " + m.relation());
                    s.execute("create table " + m.relation() + " as\n" + m.sql());
                }
            }
        }
    }

    static void check(List<NodeResult> results) {
        for (NodeResult r : results) {
            if (!r.ok()) {
                throw new IllegalStateException(r.node() + ": " + r.error());
            }
        }
    }

    static Connection pooled(BlockingQueue<Connection> pool) {
        Connection c;
        try {
            c = pool.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return (Connection) Proxy.newProxyInstance(TransformBench.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        pool.add(c);
                        return null;
                    }
                    try {
                        return method.invoke(c, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
