package dev.strata.cli;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "datasets", description = "Datasets of the registry: register, list, show, preview, versions,"
        + " schema diff, upload a file.", subcommands = {DatasetsCommand.Register.class, DatasetsCommand.Ls.class,
                DatasetsCommand.Show.class, DatasetsCommand.Preview.class, DatasetsCommand.Versions.class,
                DatasetsCommand.Diff.class, DatasetsCommand.Upload.class}, footer = {"",
                        "Examples:", "  strata datasets register sales.orders data/orders.csv",
                        "  strata datasets ls -n sales",
                        "  strata datasets preview sales.orders --limit 20",
                        "  strata datasets upload sales.orders orders.csv"})
final class DatasetsCommand extends GroupCommand {

    @Command(name = "ls", description = "List or search datasets of your namespaces.", footer = {"", "Example:",
            "  strata datasets ls -n sales -q amount -o json"})
    static final class Ls extends ApiCommand {
        @Option(names = {"-n", "--namespace"}, paramLabel = "NS")
        String namespace;

        @Option(names = {"-q", "--query"}, paramLabel = "TEXT", description = "Part of namespace.name or of a"
                + " column name.")
        String query;

        @Option(names = "--limit", paramLabel = "N", description = "At most N (default 100).")
        int limit = 100;

        @Override
        public Integer call() {
            StringJoiner q = new StringJoiner("&", "?", "");
            if (namespace != null) {
                q.add("namespace=" + Api.enc(namespace));
            }
            if (query != null) {
                q.add("q=" + Api.enc(query));
            }
            q.add("limit=" + Math.max(1, Math.min(limit, 1000)));
            print(api().get("/api/registry/v1/datasets" + q), new Table()
                    .column("DATASET", d -> d.path("namespace").asText() + "." + d.path("name").asText())
                    .field("LAYER", "layer").column("VERSION", d -> Table.text(d.path("latestVersion")
                            .path("number")))
                    .field("DESCRIPTION", "description"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "show", description = "Show a dataset: description, layer, latest version, columns.", footer = {"",
            "Example:", "  strata datasets show sales.orders -o yaml"})
    static final class Show extends ApiCommand {
        @Parameters(paramLabel = "NS.NAME", converter = DatasetRef.Converter.class)
        DatasetRef dataset;

        @Override
        public Integer call() {
            JsonNode d = api().get(dataset.path());
            if (output != Format.table) {
                printStructured(d);
                return ExitCodes.OK;
            }
            printFields(d, "namespace", "name", "layer", "description", "owner");
            JsonNode columns = d.path("columns").isArray()
                    ? d.path("columns")
                    : d.path("latestVersion").path("columns");
            if (columns.isArray() && columns.size() > 0) {
                out().println("columns:");
                new Table().field("NAME", "name").field("TYPE", "type").field("NULLABLE", "nullable")
                        .print(out(), columns);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "preview", description = "The first rows of the dataset's warehouse table (analyst).", footer = {"",
            "Example:", "  strata datasets preview sales.orders --limit 20"})
    static final class Preview extends ApiCommand {
        @Parameters(paramLabel = "NS.NAME", converter = DatasetRef.Converter.class)
        DatasetRef dataset;

        @Option(names = "--limit", paramLabel = "N", description = "At most N rows (default 20, at most 1000).")
        int limit = 20;

        @Override
        public Integer call() {
            JsonNode answer = api().get(dataset.path() + "/preview?limit=" + Math.max(1, Math.min(limit, 1000)));
            if (output != Format.table) {
                printStructured(answer);
                return ExitCodes.OK;
            }
            JsonNode rows = answer.isArray() ? answer : answer.path("rows");
            Table table = new Table();
            JsonNode columns = answer.path("columns");
            if (columns.isArray() && columns.size() > 0) {
                for (JsonNode column : columns) {
                    String name = column.isTextual() ? column.asText() : column.path("name").asText();
                    table.column(name.toUpperCase(java.util.Locale.ROOT), row -> Table.text(row.isArray()
                            ? row.get(indexOf(columns, name))
                            : row.path(name)));
                }
            } else if (rows.size() > 0 && rows.get(0).isObject()) {
                rows.get(0).fieldNames().forEachRemaining(name -> table.field(name.toUpperCase(java.util.Locale.ROOT),
                        name));
            }
            table.print(out(), rows);
            return ExitCodes.OK;
        }

        private static int indexOf(JsonNode columns, String name) {
            for (int i = 0; i < columns.size(); i++) {
                JsonNode c = columns.get(i);
                if (name.equals(c.isTextual() ? c.asText() : c.path("name").asText())) {
                    return i;
                }
            }
            return -1;
        }
    }

    @Command(name = "versions", description = "The dataset's versions (schema snapshots), newest first.", footer = {"",
            "Example:", "  strata datasets versions sales.orders"})
    static final class Versions extends ApiCommand {
        @Parameters(paramLabel = "NS.NAME", converter = DatasetRef.Converter.class)
        DatasetRef dataset;

        @Override
        public Integer call() {
            print(api().get(dataset.path() + "/versions?limit=100"), new Table().field("VERSION", "number")
                    .field("CREATED", "createdAt").field("ROWS", "rowCount").field("SOURCE", "source"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "diff", description = "Columns added, removed or changed between two versions (default: the"
            + " latest against the one before).", footer = {"", "Example:",
                    "  strata datasets diff sales.orders --from 3 --to 5"})
    static final class Diff extends ApiCommand {
        @Parameters(paramLabel = "NS.NAME", converter = DatasetRef.Converter.class)
        DatasetRef dataset;

        @Option(names = "--from", paramLabel = "N")
        Integer from;

        @Option(names = "--to", paramLabel = "N")
        Integer to;

        @Override
        public Integer call() {
            StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
            if (from != null) {
                q.add("from=" + from);
            }
            if (to != null) {
                q.add("to=" + to);
            }
            printStructured(api().get(dataset.path() + "/schema-diff" + q), output == Format.json);
            return ExitCodes.OK;
        }
    }

    /** Uploads a file as the dataset's raw data, with progress on stderr; the registry's answer. */
    static JsonNode upload(ApiCommand command, DatasetRef dataset, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new StrataException(ExitCodes.USAGE, "no file " + file, null);
        }
        String name = file.getFileName().toString();
        String path = dataset.path() + "/uploads?filename=" + Api.enc(name);
        boolean live = RunFollower.isTerminal();
        HttpRequest request = command.api().request(path)
                .header("Content-Type", "application/octet-stream")
                .POST(UploadProgress.ofFile(file, command.err(), live))
                .build();
        HttpResponse<byte[]> response = command.api().call(request, HttpResponse.BodyHandlers.ofByteArray());
        command.api().check(response.statusCode(), response.body(), path);
        return Api.parse(response.body());
    }

    @Command(name = "register", description = "Register a dataset in the catalog (engineer): from a local file,"
            + " uploaded first with progress, or from an http(s) URL the platform reads at each load. Registered"
            + " again (a new load spec) when it exists. A pipeline then loads it with `- ingest: {dataset: NAME}`.", footer = {
                    "", "Examples:", "  strata datasets register sales.orders data/orders.csv",
                    "  strata datasets register sales.rates https://example.com/rates.csv --format csv"})
    static final class Register extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NS.NAME", converter = DatasetRef.Converter.class)
        DatasetRef dataset;

        @Parameters(index = "1", paramLabel = "FILE|URL")
        String from;

        @Option(names = "--layer", paramLabel = "LAYER", description = "raw (default), bronze, silver or gold.")
        String layer = "raw";

        @Option(names = "--format", paramLabel = "TYPE", description = "csv, tsv, json or ndjson (default: from the"
                + " file name's extension, else csv).")
        String format;

        @Override
        public Integer call() throws IOException {
            boolean url = from.startsWith("http://") || from.startsWith("https://");
            JsonNode source;
            if (url) {
                source = Api.json().createObjectNode().put("kind", "http").put("url", from);
            } else {
                source = upload(this, dataset, Path.of(from)).path("source");
            }
            ObjectNode body = Api.json().createObjectNode();
            body.put("namespace", dataset.namespace()).put("name", dataset.name()).put("layer", layer);
            body.set("source", source);
            body.putObject("format").put("type", format != null ? format : formatOf(from));
            byte[] json = Api.json().writeValueAsBytes(body);
            boolean created;
            try {
                api().get(dataset.path());
                created = false;
            } catch (StrataException e) {
                if (e.exitCode() != ExitCodes.NOT_FOUND) {
                    throw e;
                }
                created = true;
            }
            JsonNode saved = created
                    ? api().send("POST", "/api/registry/v1/datasets", "application/json", json)
                    : api().send("PUT", dataset.path(), "application/json", json);
            if (output != Format.table) {
                printStructured(saved);
            } else {
                out().println((created ? "Registered " : "Registered again ") + dataset + " (" + layer + ", "
                        + source.path("kind").asText() + " source).");
            }
            return ExitCodes.OK;
        }

        static String formatOf(String from) {
            String lower = from.toLowerCase(java.util.Locale.ROOT).replaceAll("\\.gz$", "");
            for (String type : new String[]{"ndjson", "json", "tsv", "csv"}) {
                if (lower.endsWith("." + type)) {
                    return type;
                }
            }
            return "csv";
        }
    }

    @Command(name = "upload", description = "Upload a file as the dataset's raw data (engineer), with progress"
            + " (bytes, rate, time left). An interrupted upload is restarted from the start by running it again; the"
            + " answer's sha256 tells whether the platform has the whole file.", footer = {"", "Example:",
                    "  strata datasets upload sales.orders orders.csv"})
    static final class Upload extends ApiCommand {
        @Parameters(index = "0", paramLabel = "NS.NAME", converter = DatasetRef.Converter.class)
        DatasetRef dataset;

        @Parameters(index = "1", paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            String name = file.getFileName().toString();
            long size = Files.isRegularFile(file) ? Files.size(file) : 0;
            JsonNode answer = upload(this, dataset, file);
            if (output != Format.table) {
                printStructured(answer);
            } else {
                out().println("Uploaded " + name + " (" + UploadProgress.bytes(answer.path("bytes").asLong(size))
                        + ", sha256 " + answer.path("sha256").asText() + ") to " + answer.path("location").asText()
                        + ".");
            }
            return ExitCodes.OK;
        }
    }
}
