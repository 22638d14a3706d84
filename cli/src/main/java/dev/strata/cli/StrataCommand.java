package dev.strata.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import dev.strata.devstack.DevStackException;

/** {@code strata}: runs the platform locally. Each subcommand is one small class, added in {@link #commandLine()}. */
@Command(name = "strata", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, description = StrataCommand.ABOUT)
public final class StrataCommand implements Callable<Integer> {

    static final String ABOUT = "Strata, the DataOps platform: run it on this machine (up, down, status, restart)"
            + " and use any Strata platform through its gateway (login, pipeline, runs, logs...).";

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "On failure, print the stack trace too.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new StrataCommand())
                .addSubcommand(new UpCommand())
                .addSubcommand(new DownCommand())
                .addSubcommand(new StatusCommand())
                .addSubcommand(new RestartCommand())
                .addSubcommand(new VersionCommand())
                .addSubcommand(new LoginCommand())
                .addSubcommand(new LogoutCommand())
                .addSubcommand(new WhoamiCommand())
                .addSubcommand(new ContextCommand())
                .addSubcommand(new NsCommand())
                .addSubcommand(new TokenCommand())
                .addSubcommand(new DatasetsCommand())
                .addSubcommand(new ProjectCommand())
                .addSubcommand(new PipelineCommand())
                .addSubcommand(new RunsCommand())
                .addSubcommand(new LogsCommand())
                .addSubcommand(new CompletionCommand())
                .addSubcommand(new CommandLine.HelpCommand());
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
        boolean known = e instanceof StrataException || e instanceof DevStackException;
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
