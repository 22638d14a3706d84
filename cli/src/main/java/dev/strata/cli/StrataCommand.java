package dev.strata.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code strata}: runs the platform locally. Each subcommand is one small class, added in {@link #commandLine()}. */
@Command(name = "strata", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, description = StrataCommand.ABOUT)
public final class StrataCommand implements Callable<Integer> {

    static final String ABOUT = "Strata, the DataOps platform: run it on this machine (up, down, status, restart)"
            + " and use any Strata platform through its gateway (login, pipeline, runs, logs...).";

    /** Whether up/down/status/restart are here: not on the user verbs' classpath ({@link LauncherVerbs}). */
    private static final boolean LAUNCHER = LauncherVerbs.onClasspath();

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "On failure, print the stack trace too.")
    boolean verbose;

    public static void main(String[] args) {
        if (!LAUNCHER && System.getProperty("slf4j.provider") == null) {
            // the user verbs' classpath has slf4j (Jinjava logs through it) but no binding: no logging, and not
            // slf4j's warning about the missing binding on stderr (the launcher's jboss-logmanager keeps WARN)
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
        }
        System.exit(commandLine(args).execute(args));
    }

    /** The user's verbs, in the order of the usage text (after the launcher's, when they are here). */
    private static final Map<String, Supplier<Object>> VERBS = verbs();

    private static Map<String, Supplier<Object>> verbs() {
        Map<String, Supplier<Object>> verbs = new LinkedHashMap<>();
        verbs.put("version", VersionCommand::new);
        verbs.put("login", LoginCommand::new);
        verbs.put("logout", LogoutCommand::new);
        verbs.put("whoami", WhoamiCommand::new);
        verbs.put("context", ContextCommand::new);
        verbs.put("ns", NsCommand::new);
        verbs.put("token", TokenCommand::new);
        verbs.put("datasets", DatasetsCommand::new);
        verbs.put("project", ProjectCommand::new);
        verbs.put("pipeline", PipelineCommand::new);
        verbs.put("runs", RunsCommand::new);
        verbs.put("logs", LogsCommand::new);
        verbs.put("completion", CompletionCommand::new);
        verbs.put("cache-training", CacheTrainingCommand::new);
        return verbs;
    }

    /** Every verb: for the usage text, help, completion and tests. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments. picocli reads the annotations of every verb it is given (all their
     * subcommands, options and converters: most of a short command's start-up), so when the first word names a user
     * verb, only that verb is added; {@code --version} alone needs none. Anything else (no verb, {@code help}, a
     * typo, a launcher verb) gets them all, for the usage text and picocli's suggestions.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine commandLine = new CommandLine(new StrataCommand());
        String verb = null;
        boolean versionOnly = false;
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                verb = arg;
                break;
            }
            versionOnly |= arg.equals("--version") || arg.equals("-V");
        }
        if (verb != null && VERBS.containsKey(verb)) {
            commandLine.addSubcommand(VERBS.get(verb).get());
        } else if (verb != null || !versionOnly || Arrays.asList(args).contains("--help")
                || Arrays.asList(args).contains("-h")) {
            if (LAUNCHER) {
                LauncherVerbs.addTo(commandLine);
            }
            VERBS.values().forEach(command -> commandLine.addSubcommand(command.get()));
            commandLine.addSubcommand(new CommandLine.HelpCommand());
        }
        commandLine.registerConverter(Duration.class, new DurationConverter());
        commandLine.getCommandSpec().version("strata " + version());
        commandLine.getSubcommands().values().forEach(sub -> sub.getCommandSpec().version("strata " + version()));
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            printError(cmd.getErr(), e, cmd);
            return e instanceof StrataException known ? known.exitCode() : ExitCodes.FAILURE;
        });
        return commandLine;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    /** One sentence on stderr; the stack trace only with {@code --verbose}. */
    static void printError(PrintWriter err, Throwable e, CommandLine cmd) {
        boolean known = e instanceof StrataException || LAUNCHER && LauncherVerbs.isKnownFailure(e);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (known) {
            err.println("Error: " + message);
        } else {
            err.println("Error: " + e.getClass().getSimpleName() + ": " + message
                    + " (this is a bug in strata; run again with --verbose for details)");
        }
        if (isVerbose(cmd)) {
            e.printStackTrace(err);
        }
        err.flush();
    }

    private static boolean isVerbose(CommandLine cmd) {
        for (CommandLine c = cmd; c != null; c = c.getParent()) {
            if (c.getParseResult() != null && c.getParseResult().hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    static String version() {
        String version = StrataCommand.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
