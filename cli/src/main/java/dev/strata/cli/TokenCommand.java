package dev.strata.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "token", description = "Personal API tokens for scripts and CI, made from the context you are signed"
        + " in with (browser or device login): no browser session needed.", subcommands = {
                TokenCommand.Create.class,
                TokenCommand.Ls.class,
                TokenCommand.Revoke.class}, footer = {"", "Examples:",
                        "  strata token create --name ci --expires 30d",
                        "  strata token ls",
                        "  strata token revoke ci",
                        "  strata token create --name nightly | strata login https://strata.example.com --context"
                                + " nightly --token -"})
final class TokenCommand extends GroupCommand {

    static final String PATH = "/api/auth/v1/api-tokens";
    /** The auth service's own cap on a token's lifetime ({@code strata.auth.api-tokens.max-lifespan} default). */
    static final Duration DEFAULT_EXPIRY = Duration.ofDays(30);

    @Command(name = "create", description = "Create a personal API token that acts as you. It is printed once, alone on"
            + " standard output (the sentence about it goes to standard error), and kept by the platform only as a"
            + " hash.", footer = {"", "Example:",
                    "  export STRATA_TOKEN=$(strata token create --name ci --expires 7d)"})
    static final class Create extends ApiCommand {
        @Option(names = "--name", paramLabel = "NAME", description = "What the token is for, 1 to 100 characters"
                + " (default: strata-cli and today's date).")
        String name;

        @Option(names = "--expires", paramLabel = "DURATION", description = "How long it works: e.g. 30d (default),"
                + " 12h, 90m; at most what the platform allows (365d by default).")
        Duration expires = DEFAULT_EXPIRY;

        @Override
        public Integer call() {
            String tokenName = name != null
                    ? name
                    : "strata-cli " + Instant.now().truncatedTo(ChronoUnit.DAYS)
                            .toString().substring(0, 10);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", tokenName);
            body.put("expiresAt", Instant.now().plus(expires).truncatedTo(ChronoUnit.SECONDS).toString());
            JsonNode created = api().postJson(PATH, body);
            if (output != Format.table) {
                printStructured(created);
                return ExitCodes.OK;
            }
            JsonNode token = created.path("apiToken");
            err().println("Created API token '" + token.path("name").asText(tokenName) + "' (id "
                    + token.path("id").asText() + "), valid until " + token.path("expiresAt").asText()
                    + ". It is shown this once: keep it in a secret store; strata token revoke "
                    + token.path("id").asText() + " ends it.");
            err().flush();
            out().println(created.path("token").asText());
            out().flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "ls", description = "List your API tokens: names, prefixes and dates, never a token.", footer = {
            "", "Example:", "  strata token ls -o json"})
    static final class Ls extends ApiCommand {
        @Override
        public Integer call() {
            print(api().get(PATH), new Table().field("NAME", "name").field("ID", "id").field("PREFIX", "prefix")
                    .field("EXPIRES", "expiresAt").field("LAST USED", "lastUsedAt").field("REVOKED", "revokedAt"));
            return ExitCodes.OK;
        }
    }

    @Command(name = "revoke", description = "Revoke one of your API tokens, by id or by name; it stops working at"
            + " once.", footer = {"", "Examples:", "  strata token revoke ci",
                    "  strata token revoke 0b6f0c1e-6a53-4a39-9a8a-2f4b3f1f4d1a"})
    static final class Revoke extends ApiCommand {
        @Parameters(paramLabel = "ID|NAME", description = "The token's id or its name (strata token ls shows both).")
        String token;

        @Override
        public Integer call() {
            JsonNode match = find(api().get(PATH));
            String id = match.path("id").asText();
            api().send("DELETE", PATH + "/" + Api.enc(id), null, null);
            if (output != Format.table) {
                printStructured(match);
            } else {
                out().println("Revoked API token '" + match.path("name").asText() + "' (id " + id + "). The issuer"
                        + " refuses it now; the gateway within strata.gateway.api-token-cache (30 s by default).");
            }
            return ExitCodes.OK;
        }

        /** The one token (not yet revoked) with that id or name. */
        private JsonNode find(JsonNode tokens) {
            List<JsonNode> byName = new ArrayList<>();
            for (JsonNode t : tokens) {
                if (isId(token) && token.equalsIgnoreCase(t.path("id").asText())) {
                    return t;
                }
                if (token.equals(t.path("name").asText()) && !t.hasNonNull("revokedAt")) {
                    byName.add(t);
                }
            }
            if (byName.size() == 1) {
                return byName.get(0);
            }
            if (byName.isEmpty()) {
                throw new StrataException(ExitCodes.NOT_FOUND, "you have no API token '" + token + "' that is not"
                        + " revoked yet; strata token ls lists yours", null);
            }
            throw new StrataException(ExitCodes.INVALID, byName.size() + " of your API tokens are called '" + token
                    + "': revoke one by its id (strata token ls shows them)", null);
        }

        private static boolean isId(String value) {
            try {
                UUID.fromString(value);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
