import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.flywaydb.core.Flyway;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;
import dev.strata.devstack.PostgresServer;
import dev.strata.ingest.load.LoadResult;
import dev.strata.ingest.load.LoadSettings;
import dev.strata.ingest.load.Loader;
import dev.strata.ingest.load.NamespaceWarehouse;
import dev.strata.ingest.source.SourceFetcher;
import dev.strata.events.LoadSpec;
import dev.strata.ingest.spec.SourceLocations;
import dev.strata.warehouse.NamespaceRoles;
import dev.strata.netguard.AddressGuard;

/**
 * The ingest benchmark (bench/ingest/run.sh runs it with the ingest module's classpath).
 *
 * <pre>
 * IngestBench &lt;work dir&gt; &lt;rows&gt; &lt;rounds&gt; &lt;rss file GB&gt;
 * </pre>
 *
 * Starts Postgres and S3 from libs/devstack, generates a CSV (10 columns: ints, numerics, timestamps, text) and the same
 * rows as NDJSON, serves both from a loopback HTTP server, and alternates per round: Strata's load path (HTTP fetch,
 * raw copy to S3, types, COPY, replace in one transaction) and psql's \copy of the same file into the same table in one
 * transaction with a TRUNCATE. Then a file of the given size is loaded by the load path in a child JVM whose peak RSS is
 * sampled. Prints "RESULT key value" lines.
 */
public class IngestBench {

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        Path work = Path.of(args[0]);
        int rows = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        double rssGb = Double.parseDouble(args[3]);
        Files.createDirectories(work);
        try (DevStack stack = DevStack.start(work.resolve("stack"), Component.parse("postgres,s3"))) {
            String warehouseUrl = stack.postgres().jdbcUrl(PostgresServer.WAREHOUSE_DB);
            MinioClient s3 = MinioClient.builder().endpoint(stack.s3().endpoint()).region("us-east-1")
                    .credentials(stack.s3().accessKey(), stack.s3().secretKey()).build();
            if (!s3.bucketExists(BucketExistsArgs.builder().bucket("strata-lake").build())) {
                s3.makeBucket(MakeBucketArgs.builder().bucket("strata-lake").build());
            }
            String adminPassword = stack.postgres().warehouseAdminPassword();
            String roleKey = stack.postgres().warehouseRoleKey();
            // the ingest state, as the service's Flyway makes it: owned by the warehouse admin
            Flyway.configure().dataSource(warehouseUrl, PostgresServer.WAREHOUSE_ADMIN, adminPassword)
                    .schemas("strata_ingest").locations("classpath:db/warehouse").load().migrate();
            Path csv = work.resolve("bench.csv");
            Path ndjson = work.resolve("bench.ndjson");
            generate(csv, ndjson, rows);
            HttpServer server = serve(work);
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            Loader loader = loader(s3, warehouseUrl, adminPassword, roleKey, work.resolve("spool"));

            // warm-up: the first load creates the tables and compiles the hot path
            load(loader, spec("bench_csv", base + "bench.csv", "csv"));
            load(loader, spec("bench_ndjson", base + "bench.ndjson", "ndjson"));

            List<Double> strata = new ArrayList<>();
            List<Double> psql = new ArrayList<>();
            List<Double> nd = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                double s = load(loader, spec("bench_csv", base + "bench.csv", "csv"));
                strata.add(rows / s);
                double p = psql(stack, csv);
                psql.add(rows / p);
                double n = load(loader, spec("bench_ndjson", base + "bench.ndjson", "ndjson"));
                nd.add(rows / n);
                System.err.printf("round %d: strata csv %.2fs (%.0f rows/s), psql \\copy %.2fs (%.0f rows/s), "
                        + "strata ndjson %.2fs (%.0f rows/s)%n", round, s, rows / s, p, rows / p, n, rows / n);
            }
            long count;
            try (Connection c = DriverManager.getConnection(warehouseUrl, "postgres", "");
                    Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*) FROM bench__raw.bench_csv")) {
                rs.next();
                count = rs.getLong(1);
            }
            if (count != rows) {
                throw new IllegalStateException("the table has " + count + " rows, expected " + rows);
            }
            System.out.printf("RESULT strata_csv_rows_per_s %.0f%n", median(strata));
            System.out.printf("RESULT psql_copy_rows_per_s %.0f%n", median(psql));
            System.out.printf("RESULT strata_ndjson_rows_per_s %.0f%n", median(nd));
            System.out.printf("RESULT rounds_strata %s%n", strata);
            System.out.printf("RESULT rounds_psql %s%n", psql);
            System.out.printf("RESULT rounds_ndjson %s%n", nd);
            loader.close();

            if (rssGb > 0) {
                Path big = work.resolve("big.csv");
                long target = (long) (rssGb * (1L << 30));
                byte[] body = Files.readAllBytes(csv);
                int header = indexOf(body, (byte) '\n') + 1;
                try (OutputStream out = Files.newOutputStream(big)) {
                    out.write(body);
                    long size = body.length;
                    while (size < target) {
                        out.write(body, header, body.length - header);
                        size += body.length - header;
                    }
                }
                long bigRows = countLines(big) - 1;
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString()));
                // the JVM flags `./strata up` runs every service with (cli ServiceProcess.DEFAULT_JAVA_OPTS)
                String opts = System.getenv().getOrDefault("INGEST_JAVA_OPTS", "-XX:+UseSerialGC -Xms16m -Xmx128m "
                        + "-XX:MaxMetaspaceSize=160m -XX:ReservedCodeCacheSize=48m -XX:TieredStopAtLevel=1 -Xss512k "
                        + "-XX:MaxDirectMemorySize=64m");
                command.addAll(List.of(opts.split(" ")));
                command.addAll(List.of("-cp", System.getProperty("java.class.path"), System.getProperty(
                        "bench.source"), "--child", warehouseUrl, stack.s3().endpoint(), stack.s3().accessKey(),
                        stack.s3().secretKey(), spec("bench_big", base + "big.csv", "csv"),
                        work.resolve("spool").toString(), adminPassword, roleKey));
                long started = System.nanoTime();
                Process child = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(work.resolve("child.log").toFile()).start();
                long peakKb = 0;
                while (child.isAlive()) {
                    peakKb = Math.max(peakKb, rssKb(child.pid()));
                    Thread.sleep(100);
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                if (child.exitValue() != 0) {
                    throw new IllegalStateException("the 2 GB load failed: " + Files.readString(work.resolve(
                            "child.log")));
                }
                System.err.printf("%.2f GB (%d rows) loaded by a child JVM (%s) in %.1fs; peak RSS %d MB%n",
                        Files.size(big) / (double) (1L << 30), bigRows, opts, seconds, peakKb / 1024);
                System.out.printf("RESULT rss_mb %d%n", peakKb / 1024);
                System.out.printf("RESULT rss_file_gb %.2f%n", Files.size(big) / (double) (1L << 30));
            }
            server.stop(0);
        }
    }

    static String spec(String name, String url, String type) {
        return """
                {"namespace":"bench","name":"%s","source":{"kind":"http","url":"%s"},"format":{"type":"%s"},
                 "loadMode":"replace","contract":"freeze"}
                """.formatted(name, url, type);
    }

    /** The load path as the service runs it: as the namespace's own role, made by the warehouse admin. */
    static Loader loader(MinioClient s3, String warehouseUrl, String adminPassword, String roleKey, Path spool) {
        SourceFetcher fetcher = new SourceFetcher(s3, AddressGuard.of(List.of("127.0.0.1/32"), "strata.ingest.allowed-hosts"), ref -> Optional.empty(),
                Long.MAX_VALUE, Duration.ofHours(1));
        LoadSettings settings = new LoadSettings("strata-lake", "raw", spool, 1000, 1 << 20, 1000,
                Duration.ofHours(1));
        NamespaceRoles roles = new NamespaceRoles(warehouseUrl, PostgresServer.WAREHOUSE_ADMIN, adminPassword,
                roleKey);
        return new Loader(settings, new NamespaceWarehouse(roles), s3, fetcher, new SourceLocations("strata-lake",
                List.of("strata-projects"), Map.of()));
    }

    static double load(Loader loader, String spec) throws Exception {
        long started = System.nanoTime();
        LoadResult result = loader.load(UUID.randomUUID(), JSON.readValue(spec, LoadSpec.class));
        double seconds = (System.nanoTime() - started) / 1e9;
        if (result.rows() == 0) {
            throw new IllegalStateException("nothing loaded");
        }
        return seconds;
    }

    static double psql(DevStack stack, Path csv) throws Exception {
        String port = Integer.toString(stack.postgres().port());
        long started = System.nanoTime();
        Process p = new ProcessBuilder("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-1", "-h", "127.0.0.1", "-p", port,
                "-U", "postgres", "-d", "warehouse", "-c", "TRUNCATE bench__raw.bench_csv", "-c",
                "\\copy bench__raw.bench_csv FROM '" + csv + "' WITH (FORMAT csv, HEADER true)")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("psql failed: " + out);
        }
        return (System.nanoTime() - started) / 1e9;
    }

    static void child(String[] args) throws Exception {
        MinioClient s3 = MinioClient.builder().endpoint(args[2]).region("us-east-1").credentials(args[3], args[4])
                .build();
        try (Loader loader = loader(s3, args[1], args[7], args[8], Path.of(args[6]))) {
            LoadResult result = loader.load(UUID.randomUUID(), JSON.readValue(args[5], LoadSpec.class));
            System.out.println("LOADED " + result.rows() + " rows, " + result.bytes() + " bytes");
        }
    }

    static void generate(Path csv, Path ndjson, int rows) throws IOException {
        String[] cities = {"Berlin", "Lisbon", "Oslo", "Porto", "Quito", "Lima", "Osaka", "Perth"};
        String[] statuses = {"new", "paid", "shipped", "returned"};
        try (BufferedWriter c = Files.newBufferedWriter(csv); BufferedWriter j = Files.newBufferedWriter(ndjson)) {
            c.write("id,qty,price,discount,created_at,updated_at,customer,city,status,note\n");
            StringBuilder line = new StringBuilder(256);
            for (int i = 1; i <= rows; i++) {
                int qty = i % 97;
                String price = (i % 10_000) + "." + String.format("%02d", i % 100);
                String discount = "0." + (i % 10);
                String created = String.format("2026-%02d-%02d %02d:%02d:%02d", 1 + i % 12, 1 + i % 28, i % 24,
                        i % 60, (i * 7) % 60);
                String updated = created.replace(' ', 'T') + "Z";
                String customer = "customer-" + (i % 50_000);
                String city = cities[i % cities.length];
                String status = statuses[i % statuses.length];
                String note = "order " + i + " of customer " + (i % 50_000);
                line.setLength(0);
                line.append(i).append(',').append(qty).append(',').append(price).append(',').append(discount)
                        .append(',').append(created).append(',').append(updated).append(',').append(customer)
                        .append(',').append(city).append(',').append(status).append(',').append(note).append('\n');
                c.write(line.toString());
                line.setLength(0);
                line.append("{\"id\":").append(i).append(",\"qty\":").append(qty).append(",\"price\":").append(price)
                        .append(",\"discount\":").append(discount).append(",\"created_at\":\"").append(created)
                        .append("\",\"updated_at\":\"").append(updated).append("\",\"customer\":\"").append(customer)
                        .append("\",\"city\":\"").append(city).append("\",\"status\":\"").append(status)
                        .append("\",\"note\":\"").append(note).append("\"}\n");
                j.write(line.toString());
            }
        }
    }

    static HttpServer serve(Path dir) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Path file = dir.resolve(exchange.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.sendResponseHeaders(200, Files.size(file));
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ);
                    OutputStream out = exchange.getResponseBody()) {
                in.transferTo(out);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "bench-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return server;
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended
        }
        return 0;
    }

    static long countLines(Path file) throws IOException {
        long lines = 0;
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        }
        return lines;
    }

    static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
