package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.strata.devstack.ManagedServer;
import dev.strata.devstack.PostgresServer;

/**
 * Issue 16's secrets test: one long random secret of a namespace, used for real by two webhook channels (the signing
 * key: one names the secret, one a whole {@code webhook} connection),
 * an HTTP source (its auth header, through an {@code http} connection) and a JDBC load (the password of a Postgres role
 * the test makes, through a {@code jdbc} connection), all in one pipeline run. The webhook target and the HTTP source
 * are small servers of the test that check they got the secret (so it was really used). Then the value is looked for
 * in every answer the API gave the test, every log file of the platform, every record of every Kafka topic and every
 * column of every table of every Postgres database of the platform: it must be nowhere in clear text. Control markers
 * (not secret: a role name, a message, a dataset name) must be found by the same scans, so a scan that sees nothing
 * fails too.
 */
@Tag("secrets")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsLeakIT {

    private static final String NS = "leak-lab";
    private static final String PG = "leak_lab";
    private static final String SOURCE_DB = "leak_source";
    private static final SecureRandom RANDOM = new SecureRandom();
    /** The secret: 64 random hex characters, so that nothing else can contain it by chance. */
    private static final String SECRET = "s3cr3t" + random(29);
    /** Not secret: the JDBC connection's user, a role of the test's source database. */
    private static final String READER = "leak_reader_" + random(6);
    /** Not secret: the notify task's message. */
    private static final String MESSAGE = "leak-control-" + random(8);

    private final ObjectMapper json = new ObjectMapper();
    /** Every answer the API gave the test: status, headers and body. */
    private final List<String> answers = new CopyOnWriteArrayList<>();
    private final List<String> sourceAuth = new CopyOnWriteArrayList<>();
    private final List<Boolean> hookSigned = new CopyOnWriteArrayList<>();

    @TempDir
    static Path tmp;

    private InProcessPlatform lab;
    private HttpServer outside;
    private long kafkaRecords;
    private int scannedColumns;

    @BeforeAll
    void startThePlatform() throws Exception {
        assumeTrue(Services.select(System.getenv("STRATA_SERVICES")).containsAll(Services.ALL),
                "the secrets test needs all seven services");
        outside = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        outside.createContext("/items.csv", this::serveItems);
        outside.createContext("/hook", this::receiveHook);
        outside.start();
        // the operator lets the workers reach the test's servers and database on loopback; nothing else is set here:
        // the secret, the connections and the channel are the namespace's own, made through the API below
        lab = InProcessPlatform.start(tmp.resolve("data"), "secrets-leak-it.log",
                Map.of("STRATA_INGEST_ALLOWED_HOSTS", "127.0.0.1", "STRATA_NOTIFIER_ALLOWED_HOSTS", "127.0.0.1"));
        lab.onAnswer(this::keep);
    }

    @AfterAll
    void stopThePlatform() {
        if (lab != null) {
            lab.close();
        }
        if (outside != null) {
            outside.stop(0);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aSecretUsedByAChannelAnHttpSourceAndAJdbcLoadIsNowhereInClearText() throws Exception {
        String outsideUrl = "http://127.0.0.1:" + outside.getAddress().getPort();
        int postgresPort = lab.stack().postgres().port();
        makeTheSourceDatabase();

        created(lab.send("POST", "/api/auth/v1/namespaces", "application/json", "{\"name\":\"" + NS + "\"}"));
        created(put("/api/auth/v1/namespaces/" + NS + "/secrets/api-key", "{\"value\":\"" + SECRET + "\"}"));
        created(put("/api/auth/v1/namespaces/" + NS + "/secrets/hook-url",
                "{\"value\":\"" + outsideUrl + "/hook\"}"));
        created(put("/api/auth/v1/namespaces/" + NS + "/connections/items-api", """
                {"kind":"http","baseUrl":"%s","headerName":"X-Api-Key","headerSecret":"api-key"}"""
                .formatted(outsideUrl)));
        created(put("/api/auth/v1/namespaces/" + NS + "/connections/items-db", """
                {"kind":"jdbc","url":"jdbc:postgresql://127.0.0.1:%d/%s","user":"%s","passwordSecret":"api-key"}"""
                .formatted(postgresPort, SOURCE_DB, READER)));
        created(lab.send("POST", "/api/notifier/v1/channels", "application/json", """
                {"namespace":"%s","name":"leak-hook","type":"webhook","maxAttempts":3,
                 "settings":{"urlRef":"hook-url","signingSecretRef":"api-key"}}""".formatted(NS)));
        // a second channel naming a whole webhook connection, whose signing key is the same secret
        created(put("/api/auth/v1/namespaces/" + NS + "/connections/team-hook", """
                {"kind":"webhook","url":"%s/hook","signingSecret":"api-key"}""".formatted(outsideUrl)));
        created(lab.send("POST", "/api/notifier/v1/channels", "application/json", """
                {"namespace":"%s","name":"team-hook","type":"webhook","maxAttempts":3,
                 "settings":{"connection":"team-hook"}}""".formatted(NS)));
        // a pipeline naming a connection the namespace does not have is refused at save, with its path and line
        HttpResponse<String> refused = lab.send("POST", "/api/scheduler/v1/pipelines", "application/yaml", """
                namespace: %s
                id: no_such_connection
                tasks:
                  - id: load
                    type: ingest
                    inputs:
                      spec: {namespace: %s, name: x, source: {kind: jdbc, connection: no-such-db, table: public.x}}
                """.formatted(NS, NS));
        assertEquals(422, refused.statusCode(), refused.body());
        JsonNode finding = json.readTree(refused.body()).path("errors").path(0);
        assertEquals("tasks[0].inputs.spec.source.connection", finding.path("path").asText(), refused.body());
        assertEquals(7, finding.path("line").asInt(), refused.body());
        String load = "source: {kind: %s, connection: %s, %s}";
        created(lab.send("POST", "/api/scheduler/v1/pipelines", "application/yaml", """
                namespace: %s
                id: leak_check
                description: one secret, four uses
                tasks:
                  - id: load_http
                    type: ingest
                    inputs:
                      spec: {namespace: %s, name: http_items, %s,
                             format: {type: csv, header: true}, loadMode: replace}
                  - id: load_jdbc
                    type: ingest
                    inputs:
                      spec: {namespace: %s, name: jdbc_items, %s, loadMode: replace}
                  - id: tell
                    type: notify
                    depends_on: [load_http, load_jdbc]
                    inputs: {channel: leak-hook, message: %s}
                  - id: tell_team
                    type: notify
                    depends_on: [tell]
                    inputs: {channel: team-hook, message: %s}
                """.formatted(NS, NS, load.formatted("http", "items-api", "url: /items.csv"), NS,
                load.formatted("jdbc", "items-db", "table: public.items"), MESSAGE, MESSAGE)));
        HttpResponse<String> trigger = lab.send("POST", "/api/scheduler/v1/pipelines/" + NS + "/leak_check/runs",
                "application/json", "{\"params\":{}}");
        assertEquals(202, trigger.statusCode(), trigger.body());
        String runId = json.readTree(trigger.body()).path("id").asText();
        JsonNode run = lab.awaitRunEnd(runId, Duration.ofMinutes(2));
        assertEquals("succeeded", run.path("state").asText(), run.toPrettyString());

        // the secret was really used: the source got its header, the rows of both loads are in the warehouse, the
        // webhook target got a notification signed with it
        assertTrue(sourceAuth.contains(SECRET), "the HTTP source got the secret in its header: " + sourceAuth.size()
                + " requests");
        try (Connection c = superuser(PostgresServer.WAREHOUSE_DB); Statement s = c.createStatement()) {
            assertEquals(3, count(s, "select count(*) from " + PG + "__raw.http_items"));
            assertEquals(3, count(s, "select count(*) from " + PG + "__raw.jdbc_items"));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (hookSigned.size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(true, true), hookSigned, "one notification through each channel, signed with the secret");

        // what people and tools read afterwards: every answer of these is scanned too
        for (String path : List.of("/api/auth/v1/namespaces/" + NS + "/secrets",
                "/api/auth/v1/namespaces/" + NS + "/secrets/api-key",
                "/api/auth/v1/namespaces/" + NS + "/connections",
                "/api/auth/v1/namespaces/" + NS + "/connections/items-api",
                "/api/auth/v1/namespaces/" + NS + "/connections/items-db",
                "/api/auth/v1/audit-events?namespace=" + NS,
                "/api/notifier/v1/channels?namespace=" + NS,
                "/api/notifier/v1/deliveries?namespace=" + NS,
                "/api/scheduler/v1/runs/" + runId,
                "/api/scheduler/v1/namespaces/" + NS + "/runs/" + runId + "/tasks/load_http/logs",
                "/api/scheduler/v1/namespaces/" + NS + "/runs/" + runId + "/tasks/load_jdbc/logs",
                "/api/scheduler/v1/namespaces/" + NS + "/runs/" + runId + "/tasks/tell/logs",
                "/api/scheduler/v1/namespaces/" + NS + "/runs/" + runId + "/tasks/tell_team/logs",
                "/api/registry/v1/datasets/" + NS + "/jdbc_items")) {
            HttpResponse<String> answer = lab.send("GET", path, null, null);
            assertTrue(answer.statusCode() < 500, path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        // a secret's value cannot be read back, not even by the admin
        assertFalse(lab.send("GET", "/api/auth/v1/namespaces/" + NS + "/secrets/api-key", null, null).body()
                .contains(SECRET));

        // the scans: the secret nowhere, each control somewhere
        List<String> inAnswers = answers.stream().filter(a -> a.contains(SECRET)).toList();
        List<String> controlInLogs = inLogs("of " + NS + ".jdbc_items");
        Map<String, List<String>> kafka = inKafka(SECRET, MESSAGE);
        Map<String, List<String>> columns = inDatabases(SECRET, READER);
        Files.writeString(Path.of("target", "secrets-leak-it.txt"), """
                answers scanned: %d
                log lines with the control: %s
                Kafka records scanned: %d, with the control: %s
                columns scanned: %d, with the control: %s
                """.formatted(answers.size(), controlInLogs, kafkaRecords, kafka.get(MESSAGE), scannedColumns,
                columns.get(READER)));

        assertEquals(List.of(), inAnswers, "API answers that carry the secret");
        assertTrue(answers.stream().anyMatch(a -> a.contains(READER)), "the scan of answers finds the control");

        assertEquals(List.of(), inLogs(SECRET), "log lines that carry the secret");
        assertFalse(controlInLogs.isEmpty(), "the scan of the logs finds the control");

        assertEquals(List.of(), kafka.get(SECRET), "Kafka records that carry the secret");
        assertFalse(kafka.get(MESSAGE).isEmpty(), "the scan of Kafka finds the control");

        assertEquals(List.of(), columns.get(SECRET), "database columns that carry the secret");
        assertFalse(columns.get(READER).isEmpty(), "the scan of the databases finds the control");
    }

    // ---------------------------------------------------------------------------------------------------------
    // the world outside the platform

    /** A database of the test whose only reader's password is the secret. */
    private void makeTheSourceDatabase() throws SQLException {
        try (Connection c = superuser("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + SOURCE_DB);
            // the password reaches the server as a SCRAM verifier: the statement text never holds the secret
            s.execute("CREATE ROLE " + READER + " LOGIN PASSWORD '" + scramVerifier(SECRET) + "'");
        }
        try (Connection c = superuser(SOURCE_DB); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO public.items VALUES (1, 'anvil'), (2, 'bolt'), (3, 'crank')");
            s.execute("GRANT SELECT ON public.items TO " + READER);
        }
    }

    /** The SCRAM-SHA-256 verifier of {@code password}, as Postgres stores it (RFC 5802/7677). */
    private static String scramVerifier(String password) {
        try {
            byte[] salt = new byte[16];
            RANDOM.nextBytes(salt);
            int iterations = 4096;
            javax.crypto.SecretKeyFactory pbkdf2 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = pbkdf2.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt,
                    iterations, 256)).getEncoded();
            byte[] clientKey = hmac(salted, "Client Key");
            byte[] storedKey = java.security.MessageDigest.getInstance("SHA-256").digest(clientKey);
            byte[] serverKey = hmac(salted, "Server Key");
            java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
            return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
                    + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String text) throws java.security.GeneralSecurityException {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    }

    /** The HTTP source: three rows for a request that carries the secret, 401 otherwise. */
    private void serveItems(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestHeaders().getFirst("X-Api-Key");
        sourceAuth.add(String.valueOf(key));
        byte[] body = (SECRET.equals(key) ? "id,name\n1,anvil\n2,bolt\n3,crank\n" : "no key")
                .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(SECRET.equals(key) ? 200 : 401, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    /** The webhook target: keeps whether each notification was signed with the secret. */
    private void receiveHook(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        try {
            hookSigned.add(InProcessPlatform.verifySignature(SECRET,
                    exchange.getRequestHeaders().getFirst("X-Strata-Timestamp"), body,
                    exchange.getRequestHeaders().getFirst("X-Strata-Signature")));
        } catch (Exception e) {
            hookSigned.add(false);
        }
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    // ---------------------------------------------------------------------------------------------------------
    // the scans

    private void keep(HttpResponse<String> response) {
        answers.add(response.request().method() + " " + response.uri() + " -> " + response.statusCode() + "\n"
                + response.headers().map() + "\n" + response.body());
    }

    /** {@code file:line} of every line of the platform's log files (services and infrastructure) with the needle. */
    private List<String> inLogs(String needle) throws IOException {
        List<String> found = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(lab.logDir())) {
            files = new ArrayList<>(walk.filter(Files::isRegularFile).sorted().toList());
        }
        for (ManagedServer server : lab.stack().servers()) {
            Path log = server.logFile();
            if (log != null && Files.isRegularFile(log) && !files.contains(log)) {
                files.add(log);
            }
        }
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("ingest.log")), files.toString());
        for (Path file : files) {
            String[] lines = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains(needle)) {
                    found.add(file.getFileName() + ":" + (i + 1));
                }
            }
        }
        return found;
    }

    /** For each needle, {@code topic/partition@offset} of the records (key, value or a header) that hold it. */
    private Map<String, List<String>> inKafka(String... needles) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (String needle : needles) {
            found.put(needle, new ArrayList<>());
        }
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, lab.stack().kafka().bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "secrets-leak-it-" + random(4));
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<TopicPartition> partitions = new ArrayList<>();
        try (Admin admin = Admin.create(config);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            for (String topic : admin.listTopics().names().get(30, TimeUnit.SECONDS)) {
                for (PartitionInfo p : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long records = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                assertTrue(System.nanoTime() < deadline, "read every Kafka record within 60 s");
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    StringBuilder text = new StringBuilder();
                    text.append(utf8(r.key())).append('\n').append(utf8(r.value()));
                    for (Header h : r.headers()) {
                        text.append('\n').append(h.key()).append('=').append(utf8(h.value()));
                    }
                    for (String needle : needles) {
                        if (text.indexOf(needle) >= 0) {
                            found.get(needle).add(r.topic() + "/" + r.partition() + "@" + r.offset());
                        }
                    }
                }
            }
            assertTrue(records > 0, "Kafka holds records: " + partitions);
            kafkaRecords = records;
        } catch (Exception e) {
            throw new AssertionError("reading Kafka: " + e, e);
        }
        return found;
    }

    /**
     * For each needle, {@code database.schema.table.column} of every column of every table (all the platform's
     * databases: the services' metadata and the warehouse) with a value holding it: text, json and every other type as
     * its text form, bytea as bytes.
     */
    private Map<String, List<String>> inDatabases(String... needles) throws SQLException {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (String needle : needles) {
            found.put(needle, new ArrayList<>());
        }
        List<String> databases = new ArrayList<>();
        try (Connection c = superuser("postgres");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "select datname from pg_database where datallowconn and not datistemplate order by 1")) {
            while (rs.next()) {
                databases.add(rs.getString(1));
            }
        }
        assertTrue(databases.contains(PostgresServer.METADATA_DB) && databases.contains(PostgresServer.WAREHOUSE_DB),
                databases.toString());
        int columns = 0;
        for (String db : databases) {
            try (Connection c = superuser(db);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("""
                            select c.table_schema, c.table_name, c.column_name, c.data_type
                            from information_schema.columns c
                            join information_schema.tables t
                              on t.table_schema = c.table_schema and t.table_name = c.table_name
                            where t.table_type = 'BASE TABLE'
                              and c.table_schema not in ('pg_catalog', 'information_schema')
                            order by 1, 2, 3""")) {
                List<String[]> all = new ArrayList<>();
                while (rs.next()) {
                    all.add(new String[]{rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)});
                }
                for (String[] col : all) {
                    columns++;
                    String ref = quote(col[0]) + "." + quote(col[1]);
                    String where = "bytea".equals(col[3])
                            ? "position(convert_to(?, 'UTF8') in " + quote(col[2]) + ") > 0"
                            : "strpos(cast(" + quote(col[2]) + " as text), ?) > 0";
                    try (PreparedStatement q = c.prepareStatement("select count(*) from " + ref + " where " + where)) {
                        for (String needle : needles) {
                            q.setString(1, needle);
                            try (ResultSet r = q.executeQuery()) {
                                r.next();
                                if (r.getLong(1) > 0) {
                                    found.get(needle).add(db + "." + col[0] + "." + col[1] + "." + col[2]);
                                }
                            }
                        }
                    }
                }
            }
        }
        assertTrue(columns > 100, "the platform's tables have columns: " + columns);
        scannedColumns = columns;
        return found;
    }

    // ---------------------------------------------------------------------------------------------------------
    // small helpers

    private HttpResponse<String> put(String path, String body) throws IOException, InterruptedException {
        return lab.send("PUT", path, "application/json", body);
    }

    private static void created(HttpResponse<String> response) {
        assertTrue(response.statusCode() == 200 || response.statusCode() == 201,
                response.request().method() + " " + response.uri() + " answered " + response.statusCode() + ": "
                        + response.body());
    }

    private Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection(lab.stack().postgres().jdbcUrl(database), PostgresServer.USER, "");
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
