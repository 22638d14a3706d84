package dev.strata.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "context", description = "Named platforms you signed in to (kept in ~/.config/strata).", subcommands = {
        ContextCommand.Ls.class, ContextCommand.Use.class,
        ContextCommand.Current.class}, footer = {"", "Examples:", "  strata context ls", "  strata context use prod"})
final class ContextCommand extends GroupCommand {

    @Command(name = "ls", description = "List the contexts; * marks the current one.", footer = {"", "Example:",
            "  strata context ls -o json"})
    static final class Ls extends ApiCommand {
        @Override
        public Integer call() {
            Contexts contexts = Contexts.load();
            String current = contexts.current().orElse("");
            ArrayNode rows = Api.json().createArrayNode();
            for (Contexts.Context c : contexts.all()) {
                ObjectNode row = rows.addObject();
                row.put("current", c.name().equals(current));
                row.put("name", c.name());
                row.put("url", c.url());
                row.put("user", c.user());
                row.put("signedIn", contexts.credentials(c.name()).isPresent());
            }
            print(rows, new Table().column("", r -> r.path("current").asBoolean() ? "*" : " ")
                    .field("NAME", "name").field("URL", "url").field("USER", "user")
                    .column("SIGNED IN", r -> r.path("signedIn").asBoolean() ? "yes" : "no"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "use", description = "Make a context the current one.", footer = {"", "Example:",
            "  strata context use prod"})
    static final class Use implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            Contexts contexts = Contexts.load();
            contexts.use(name);
            contexts.save();
            spec.commandLine().getOut().println("Now using context " + name + " ("
                    + contexts.get(name).orElseThrow().url() + ").");
            return ExitCodes.OK;
        }
    }

    @Command(name = "current", description = "Print the current context and its platform URL.", footer = {"",
            "Example:", "  strata context current"})
    static final class Current implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Contexts contexts = Contexts.load();
            String name = contexts.current().orElseThrow(() -> new StrataException(ExitCodes.NOT_SIGNED_IN,
                    "there is no current context: run strata login URL", null));
            Contexts.Context c = contexts.get(name).orElseThrow();
            spec.commandLine().getOut().println(name + " " + c.url() + (c.user() == null ? "" : " " + c.user())
                    + (contexts.credentials(name).isPresent() ? "" : " (signed out)"));
            return ExitCodes.OK;
        }
    }
}
