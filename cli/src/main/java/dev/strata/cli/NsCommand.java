package dev.strata.cli;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ns", description = "Namespaces: the ones you hold a role in; creating one needs admin on *.", subcommands = {
        NsCommand.Ls.class,
        NsCommand.Create.class}, footer = {"", "Examples:", "  strata ns ls", "  strata ns create sales"})
final class NsCommand extends GroupCommand {

    @Command(name = "ls", description = "List the namespaces you hold a role in.", footer = {"", "Example:",
            "  strata ns ls -o json"})
    static final class Ls extends ApiCommand {
        @Override
        public Integer call() {
            print(api().get("/api/auth/v1/namespaces"), new Table().field("NAME", "name")
                    .field("CREATED", "createdAt"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "create", description = "Create a namespace (admin on *).", footer = {"", "Example:",
            "  strata ns create sales"})
    static final class Create extends ApiCommand {
        @Parameters(paramLabel = "NAME", description = "Lower-case letters, digits and _, starting with a letter.")
        String name;

        @Override
        public Integer call() {
            JsonNode created = api().postJson("/api/auth/v1/namespaces", Map.of("name", name));
            if (output != Format.table) {
                printStructured(created);
            } else {
                out().println("Created namespace " + created.path("name").asText(name) + ".");
            }
            return ExitCodes.OK;
        }
    }
}
