package dev.strata.ingest.load;

import static dev.strata.ingest.IngestTestSupport.serve;
import static dev.strata.ingest.IngestTestSupport.unique;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.devstack.quarkus.DevStackResource;
import dev.strata.devstack.quarkus.InjectDevStack;
import dev.strata.ingest.IngestTestSupport;

/**
 * A JVM running the load path is killed with SIGKILL while PostgreSQL is receiving its COPY: nothing of it is visible,
 * and the retry of the same load id loads exactly the file's rows.
 */
@QuarkusTest
@WithTestResource(value = DevStackResource.class, initArgs = {
        @ResourceArg(name = "components", value = "postgres,kafka,s3,auth")})
class KillMidCopyTest {

    static final int ROWS = 400_000;

    @InjectDevStack
    DevStack stack;
    IngestTestSupport it;

    @BeforeEach
    void setUp() {
        it = new IngestTestSupport(stack);
    }

    @Test
    void killedMidCopyLeavesNothingAndTheRetryLoadsExactlyTheRows() throws Exception {
        String name = unique("killed");
        StringBuilder csv = new StringBuilder(ROWS * 40).append("id,amount,at,note\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(',').append(i % 1000).append('.').append(i % 100).append(",2026-01-01 00:00:")
                    .append(String.format("%02d", i % 60)).append(",row ").append(i).append('\n');
        }
        String url = serve("/" + name + "/big.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        String spec = """
                {"namespace":"sales","name":"%s","source":{"kind":"http","url":"%s"},"loadMode":"append"}
                """.formatted(name, url).strip();
        UUID loadId = UUID.randomUUID();
        String app = "kill-test-" + name;
        String jdbc = stack.postgres().jdbcUrl(PostgresServer.WAREHOUSE_DB) + "?ApplicationName=" + app;
        Path spool = Files.createTempDirectory("kill-test");
        Path log = Files.createTempFile("kill-test", ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process worker = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), LoadProcess.class.getName(), jdbc,
                PostgresServer.WAREHOUSE_ADMIN, stack.s3().endpoint(), stack.s3().accessKey(), stack.s3().secretKey(),
                loadId.toString(), spec, spool.toString(), stack.postgres().warehouseAdminPassword(),
                stack.postgres().warehouseRoleKey()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(5))
                    .failFast(() -> !worker.isAlive())
                    .until(() -> copiedRows(app) > 0);
            worker.destroyForcibly(); // SIGKILL
            assertTrue(worker.waitFor(30, TimeUnit.SECONDS));
        } finally {
            worker.destroyForcibly();
        }
        assertEquals(137, worker.exitValue(), () -> "the worker was not killed: " + read(log));
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> backends(app) == 0);

        assertFalse(it.tableExists("sales__raw." + name), "nothing of the killed load is visible");
        assertEquals(0, it.count("SELECT count(*) FROM strata_ingest.load_ledger WHERE load_id = '" + loadId + "'"));

        // the retry: the same load id, through the service
        given().auth().oauth2(it.adminToken()).header("Idempotency-Key", loadId.toString())
                .contentType("application/json").body(spec).post("/api/v1/loads").then().statusCode(202);
        JsonPath run = it.await(loadId.toString());
        assertEquals("succeeded", run.getString("status"), run::prettify);
        assertEquals(ROWS, run.getLong("rows"));
        assertEquals(ROWS, it.count("SELECT count(*) FROM sales__raw." + name));
        assertEquals(ROWS, it.count("SELECT count(DISTINCT id) FROM sales__raw." + name));
    }

    private long copiedRows(String app) throws Exception {
        try (Connection c = it.warehouse();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT coalesce(max(p.tuples_processed), 0) FROM pg_stat_progress_copy p "
                                + "JOIN pg_stat_activity a ON a.pid = p.pid WHERE a.application_name = '" + app
                                + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long backends(String app) throws Exception {
        return it.count("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + app + "'");
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return "(no log)";
        }
    }
}
