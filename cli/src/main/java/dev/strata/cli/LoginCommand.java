package dev.strata.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "login", description = "Sign in to a Strata platform and make it the current context: in the browser"
        + " (code flow with PKCE), with --device on a machine without one, or with --token for CI.", footer = {"",
                "Examples:", "  strata login http://127.0.0.1:8080",
                "  strata login https://strata.example.com --context prod --device",
                "  echo \"$STRATA_API_TOKEN\" | strata login https://strata.example.com --token -"})
final class LoginCommand implements Callable<Integer> {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    /** How the browser is opened; tests replace it with an HTTP client that answers the real sign-in page. */
    static Consumer<String> browser = LoginCommand::openBrowser;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "URL", description = "The platform's gateway (default: the"
            + " current context's, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--context", paramLabel = "NAME", description = "Name of the context to create or update"
            + " (default: the current one, else 'local' for a loopback URL, else the host name).")
    String context;

    @Option(names = "--token", paramLabel = "TOKEN|-", description = "A personal API token (strata_pat_...), or - to"
            + " read it from standard input (keeps it out of the shell history).")
    String token;

    @Option(names = "--device", description = "Sign in on another device: show a code to enter at the platform's"
            + " verification page (OAuth device grant).")
    boolean device;

    @Option(names = "--no-browser", description = "Print the sign-in URL instead of opening a browser.")
    boolean noBrowser;

    @Override
    public Integer call() throws Exception {
        Contexts contexts = Contexts.load();
        String name = context;
        if (name == null && url == null) {
            name = contexts.current().orElse(null);
        }
        String target = url != null
                ? url
                : name != null ? contexts.get(name).map(Contexts.Context::url).orElse(DEFAULT_URL) : DEFAULT_URL;
        target = Api.stripSlash(target);
        URI uri = URI.create(target);
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new StrataException(ExitCodes.USAGE, "'" + target + "' is not a platform URL: give the gateway's"
                    + " address, e.g. " + DEFAULT_URL, null);
        }
        if (name == null) {
            name = isLoopback(uri.getHost()) ? "local" : uri.getHost().toLowerCase(Locale.ROOT);
        }
        Contexts.validName(name);

        Contexts.Credentials signIn;
        if (token != null) {
            signIn = Contexts.Credentials.ofApiToken(readToken(token));
        } else if (device) {
            signIn = new DeviceLogin(target, spec.commandLine().getOut()).signIn();
        } else {
            signIn = new BrowserLogin(target, spec.commandLine().getOut(), noBrowser ? null : browser).signIn();
        }
        // the sign-in must work before it is stored
        JsonNode me = new Api(target, name, null, signIn).get("/api/auth/v1/me");
        String user = me.path("username").asText();
        contexts.put(new Contexts.Context(name, target, user), signIn);
        contexts.use(name);
        contexts.save();
        spec.commandLine().getOut().println("Signed in to " + target + " as " + user + " (context " + name + ").");
        return ExitCodes.OK;
    }

    private String readToken(String value) throws IOException {
        String t = value;
        if (value.equals("-")) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            t = in.readLine();
        }
        if (t == null || t.isBlank()) {
            throw new StrataException(ExitCodes.USAGE, "no token given: pass a personal API token (strata_pat_...)"
                    + " with --token, or - and the token on standard input", null);
        }
        t = t.strip();
        if (!t.startsWith("strata_pat_") || t.length() > 200) {
            throw new StrataException(ExitCodes.USAGE, "that is not a personal API token (they start with"
                    + " strata_pat_); create one in the web UI or with POST /api/auth/v1/api-tokens", null);
        }
        return t;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static void openBrowser(String url) {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String[] command = os.contains("mac") ? new String[]{"open", url} : new String[]{"xdg-open", url};
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            // the URL is printed too
        }
    }
}
