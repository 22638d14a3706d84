package dev.strata.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.EnumSet;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevStackTest {

    @TempDir
    Path tmp;

    @Test
    void startsRealServersThatKeepTheirDataAcrossRestarts() throws Exception {
        Path root = tmp.resolve("stack");
        try (DevStack stack = DevStack.start(root, Component.INFRASTRUCTURE)) {
            // PostgreSQL: both databases exist and take writes
            try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB);
                    Statement s = c.createStatement()) {
                s.execute("CREATE TABLE kept (v text)");
                s.execute("INSERT INTO kept VALUES ('still here')");
            }
            try (Connection c = stack.postgres().connect(PostgresServer.WAREHOUSE_DB)) {
                assertTrue(c.isValid(2));
            }
            // Redis answers PING
            assertEquals("+PONG", redis(stack.redis().port(), "PING"));
            // S3 refuses an unsigned request (authorization is on) and answers over HTTP
            HttpURLConnection http = (HttpURLConnection) URI.create(stack.s3().endpoint() + "/").toURL()
                    .openConnection();
            assertEquals(403, http.getResponseCode());
            // Kafka listens on its advertised port
            assertTrue(Ports.isListening(stack.kafka().port()));
            assertTrue(stack.kafka().pid().isPresent());

            // stop and start Postgres: same port, same data
            int port = stack.postgres().port();
            stack.postgres().stop();
            assertFalse(Ports.isListening(port));
            stack.postgres().start();
            assertEquals(port, stack.postgres().port());
            try (Connection c = stack.postgres().connect(PostgresServer.METADATA_DB);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
                assertTrue(rs.next());
                assertEquals("still here", rs.getString(1));
            }
        }
        // closed: nothing listens, no pid files left, the data directory is still there
        try (var pids = Files.list(root.resolve("run"))) {
            assertEquals(0, pids.filter(p -> p.toString().endsWith(".pid")).count());
        }
        assertTrue(Files.exists(root.resolve("postgres").resolve("PG_VERSION")));
    }

    @Test
    void aTakenPortIsReportedInOneSentence() throws Exception {
        Path root = tmp.resolve("taken");
        try (ServerSocket blocker = new ServerSocket(0, 1, java.net.InetAddress.getByName(Ports.LOOPBACK))) {
            Files.createDirectories(root);
            Files.writeString(root.resolve("stack.properties"), "redis.port=" + blocker.getLocalPort() + "\n");
            // a remembered port that is taken is replaced by a free one
            try (DevStack stack = DevStack.start(root, EnumSet.of(Component.REDIS))) {
                assertTrue(stack.redis().port() != blocker.getLocalPort());
                assertEquals("+PONG", redis(stack.redis().port(), "PING"));
            }
        }
    }

    @Test
    void unknownComponentsAreRefusedWithTheKnownNames() {
        DevStackException e = assertThrows(DevStackException.class, () -> Component.parse("postgres,mysql"));
        assertEquals("unknown dev-stack component 'mysql': use any of postgres, kafka, s3, redis, auth",
                e.getMessage());
    }

    @Test
    void kafkaClusterIdsNeverLookLikeOptions() {
        for (int i = 0; i < 5_000; i++) {
            String id = KafkaServer.newClusterId();
            assertEquals(22, id.length());
            assertFalse(id.startsWith("-"), id);
        }
    }

    private static String redis(int port, String command) throws Exception {
        try (Socket socket = new Socket(Ports.LOOPBACK, port)) {
            OutputStream out = socket.getOutputStream();
            out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }
}
