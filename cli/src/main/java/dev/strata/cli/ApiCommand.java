package dev.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** A verb that talks to a platform through its gateway: {@code --context}, {@code -o table|json|yaml}. */
abstract class ApiCommand implements Callable<Integer> {

    enum Format {
        table,
        json,
        yaml
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--context", paramLabel = "NAME", description = "The context (platform and sign-in) to use"
            + " instead of the current one; also STRATA_CONTEXT.")
    String context;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table (default), json or yaml.")
    Format output = Format.table;

    private Api api;

    Api api() {
        if (api == null) {
            api = Api.forContext(context);
        }
        return api;
    }

    /** Talks to this platform instead of the context's (the class cache's training run). */
    void useApi(Api api) {
        this.api = api;
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** One answer: as JSON or YAML when asked, else through {@code table} (for a list) or {@code asText}. */
    void print(JsonNode answer, Table table) {
        if (output != Format.table) {
            printStructured(answer);
            return;
        }
        table.print(out(), answer.isArray() ? answer : List.of(answer));
    }

    /** As JSON or YAML: {@code json} true for JSON (the table form of some verbs is YAML). */
    void printStructured(JsonNode answer, boolean json) {
        Format saved = output;
        output = json ? Format.json : Format.yaml;
        try {
            printStructured(answer);
        } finally {
            output = saved;
        }
    }

    void printStructured(JsonNode answer) {
        try {
            String text = output == Format.yaml
                    ? Yaml.MAPPER.writeValueAsString(answer)
                    : Api.json().writerWithDefaultPrettyPrinter().writeValueAsString(answer) + "\n";
            out().print(text);
            out().flush();
        } catch (IOException e) {
            throw new StrataException("cannot print the answer: " + e.getMessage(), e);
        }
    }

    /** "key: value" lines of an object's scalar fields, for a show verb's table form. */
    void printFields(JsonNode node, String... fields) {
        int width = 0;
        for (String field : fields) {
            width = Math.max(width, field.length());
        }
        for (String field : fields) {
            out().printf("%-" + (width + 1) + "s %s%n", field + ":", Table.text(node.path(field)));
        }
        out().flush();
    }

    /**
     * The YAML writer, made on first use: every verb's class is instantiated when the command line is built, and a
     * mapper in a static field of this class loaded Jackson (about 400 classes) for every verb, even --version.
     */
    private static final class Yaml {
        static final YAMLMapper MAPPER = (YAMLMapper) new YAMLMapper(new YAMLFactory()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
    }
}
