package dev.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The training run of the user verbs' class caches (hidden; {@code ./strata} runs it once per build with
 * {@code -XX:AOTCacheOutput} on JDK 25+, {@code -XX:ArchiveClassesAtExit} before): the paths a user's commands take,
 * in this one process, so that their classes are in the cache. Two caches, because JDK 25 loads every class of its
 * AOT cache at start-up (Jinja's 1,400 classes cost {@code runs ls} more than they save): {@code api} —
 * {@code --version}, {@code runs ls} as a table, JSON and YAML against a loopback server that answers like the
 * scheduler, the same against a closed port (the error path); {@code project} — {@code project validate} and
 * {@code compile} of a small project in a temporary folder (the transform engine and Jinja), then broken.
 * Prints nothing; exit code 0.
 */
@Command(name = "cache-training", hidden = true, description = "Train the class cache of the user verbs.")
final class CacheTrainingCommand implements Callable<Integer> {

    private static final String RUNS = """
            [{"id":"0b6f3c1e-6a8f-4f4e-9a51-1d0c2b5e7a10","namespace":"sales","pipelineId":"orders_daily",\
            "state":"succeeded","trigger":"manual","createdAt":"2026-12-07T10:00:00Z","durationMs":2100},\
            {"id":"1c7a4d2f-7b9a-4a5f-8b62-2e1d3c6f8b21","namespace":"sales","pipelineId":"orders_daily",\
            "state":"failed","trigger":"cron","createdAt":"2026-12-07T09:00:00Z","durationMs":null}]""";

    private static final Map<String, String> PROJECT = Map.of(
            "dbt_project.yml", "name: training\nvars:\n  cutoff: '2024-01-01'\nmodels:\n  training:\n"
                    + "    +materialized: table\n    +schema: silver\n",
            "models/sources.yml", "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n",
            "macros/util.sql", "{% macro cents(col) -%} round({{ col }} * 100)::bigint {%- endmacro %}\n",
            "models/stg_orders.sql", "select id, {{ cents('amount') }} as amount_cents,\n"
                    + "{% for c in ['a', 'b'] %}    col_{{ c }},\n{% endfor %}    updated_at\n"
                    + "from {{ source('raw', 'orders') }}\nwhere updated_at >= '{{ var('cutoff') }}'::date\n",
            "models/totals.sql", "{{ config(materialized='incremental', tags=['gold']) }}\n"
                    + "select id, sum(amount_cents) as total from {{ ref('stg_orders') }}\n"
                    + "{% if is_incremental() %}where updated_at > (select max(updated_at) from {{ this }})"
                    + "{% endif %}\ngroup by id\n",
            "models/schema.yml", "version: 2\nmodels:\n  - name: totals\n    description: totals\n"
                    + "    columns:\n      - name: id\n        tests: [unique, not_null]\n");

    @Parameters(arity = "0..1", paramLabel = "api|project", description = "Which verbs: api (the platform's,"
            + " e.g. runs ls) or project (validate and compile, offline).")
    String part = "api";

    @Override
    public Integer call() throws Exception {
        if (part.equals("project")) {
            project();
        } else {
            api();
        }
        return ExitCodes.OK;
    }

    private static void api() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = RUNS.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String answering = "http://127.0.0.1:" + server.getAddress().getPort();
            run(answering, "--version");
            for (String format : new String[]{"table", "json", "yaml"}) {
                run(answering, "runs", "ls", "-o", format);
            }
            run(closedPort(), "runs", "ls");
        } finally {
            server.stop(0);
        }
    }

    private static void project() throws IOException {
        Path project = Files.createTempDirectory("strata-cache-training");
        try {
            for (Map.Entry<String, String> file : PROJECT.entrySet()) {
                Path path = project.resolve(file.getKey());
                Files.createDirectories(path.getParent());
                Files.writeString(path, file.getValue());
            }
            run(null, "project", "validate", project.toString());
            run(null, "project", "compile", project.toString());
            Files.writeString(project.resolve("models/broken.sql"), "select {{ ref('nothing') }\n");
            run(null, "project", "validate", project.toString());
        } finally {
            try (Stream<Path> files = Files.walk(project)) {
                files.sorted(Comparator.reverseOrder()).forEach(CacheTrainingCommand::delete);
            }
        }
    }

    /** One user command in this process, its output dropped, talking to {@code url} with a made-up API token. */
    private static void run(String url, String... args) {
        CommandLine commandLine = StrataCommand.commandLine(args);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        commandLine.setOut(nowhere).setErr(nowhere);
        if (url != null && args.length >= 2 && !args[0].startsWith("-")) {
            CommandLine verb = commandLine.getSubcommands().get(args[0]).getSubcommands().get(args[1]);
            ((ApiCommand) verb.getCommand()).useApi(new Api(url, "training", null,
                    Contexts.Credentials.ofApiToken("strata_pat_training")));
        }
        commandLine.execute(args);
    }

    private static String closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
