package dev.strata.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "logout", description = "Sign out of a context: its refresh token is revoked at the platform and its"
        + " tokens are removed from this machine (an API token stays valid until it expires or is revoked).", footer = {
                "", "Example:", "  strata logout --context prod"})
final class LogoutCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--context", paramLabel = "NAME", description = "The context to sign out of (default: the"
            + " current one).")
    String context;

    @Override
    public Integer call() {
        Contexts contexts = Contexts.load();
        String name = context != null
                ? context
                : contexts.current().orElseThrow(() -> new StrataException(
                        ExitCodes.USAGE, "there is no current context; name one with --context (strata context ls)",
                        null));
        Contexts.Context ctx = contexts.get(name).orElseThrow(() -> new StrataException(ExitCodes.USAGE,
                "there is no context '" + name + "' (strata context ls)", null));
        contexts.credentials(name).ifPresent(signIn -> {
            if (signIn.refreshToken() != null) {
                revoke(ctx.url(), signIn.refreshToken());
            }
        });
        contexts.setCredentials(name, null);
        contexts.save();
        spec.commandLine().getOut().println("Signed out of " + ctx.url() + " (context " + name + ").");
        return ExitCodes.OK;
    }

    /** RFC 7009; best effort: the local tokens go in any case. */
    private void revoke(String url, String refreshToken) {
        try {
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(HttpRequest
                    .newBuilder(URI.create(url + "/oauth2/revoke")).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(Api.form(Map.of("token", refreshToken,
                            "token_type_hint", "refresh_token", "client_id", Api.CLIENT_ID))))
                    .build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            spec.commandLine().getErr().println("Warning: could not revoke the sign-in at " + url
                    + "; it ends on its own when its refresh token expires.");
        }
    }
}
