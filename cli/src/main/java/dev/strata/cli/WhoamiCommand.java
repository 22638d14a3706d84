package dev.strata.cli;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;

@Command(name = "whoami", description = "Show who you are signed in as, where, and your role in each namespace.", footer = {
        "", "Example:", "  strata whoami -o json"})
final class WhoamiCommand extends ApiCommand {

    @Override
    public Integer call() {
        JsonNode me = api().get("/api/auth/v1/me");
        if (output != Format.table) {
            printStructured(me);
            return ExitCodes.OK;
        }
        out().println(me.path("username").asText() + " (" + me.path("kind").asText() + ") at " + api().url()
                + ", context " + api().contextName());
        for (Map.Entry<String, JsonNode> ns : (Iterable<Map.Entry<String, JsonNode>>) () -> me.path("namespaces")
                .fields()) {
            out().println("  " + ns.getKey() + ": " + ns.getValue().asText());
        }
        out().flush();
        return ExitCodes.OK;
    }
}
