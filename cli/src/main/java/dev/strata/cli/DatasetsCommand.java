package dev.strata.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.StringJoiner;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "datasets", description = "Datasets of the registry: list, show, preview, versions, schema diff,"
        + " upload a file.", subcommands = {DatasetsCommand.Ls.class, DatasetsCommand.Show.class,
                DatasetsCommand.Preview.class,
                DatasetsCommand.Versions.class, DatasetsCommand.Diff.class, DatasetsCommand.Upload.class}, footer = {"",
                        "Examples:", "  strata datasets ls -n sales",
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
            if (!Files.isRegularFile(file)) {
                throw new StrataException(ExitCodes.USAGE, "no file " + file, null);
            }
            long size = Files.size(file);
            String name = file.getFileName().toString();
            String path = dataset.path() + "/uploads?filename=" + Api.enc(name);
            boolean live = RunFollower.isTerminal();
            HttpRequest request = api().request(path)
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
                        try {
                            InputStream in = Files.newInputStream(file);
                            return new UploadProgress(in, size, err(), live);
                        } catch (IOException e) {
                            throw new StrataException(ExitCodes.USAGE, "cannot read " + file + " ("
                                    + StrataException.reason(e) + ")", e);
                        }
                    }), size))
                    .build();
            HttpResponse<byte[]> response = api().call(request, HttpResponse.BodyHandlers.ofByteArray());
            api().check(response.statusCode(), response.body(), path);
            JsonNode answer = Api.parse(response.body());
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
