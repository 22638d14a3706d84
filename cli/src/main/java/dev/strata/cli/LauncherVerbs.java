package dev.strata.cli;

import picocli.CommandLine;

import dev.strata.devstack.DevStackException;

/**
 * The launcher's verbs ({@code up}, {@code down}, {@code status}, {@code restart}): the only ones that need the dev
 * stack and jboss-logmanager. {@code ./strata} runs the user verbs (login, runs, pipeline...) on a classpath without
 * them (the {@code user} jar and {@code target/user-verbs.classpath}), where this class's methods are never called:
 * no class of the dev stack is loaded there.
 */
final class LauncherVerbs {

    private LauncherVerbs() {
    }

    /** Whether the dev stack is on the classpath (the full jar, {@code java -jar strata-cli.jar}). */
    static boolean onClasspath() {
        return LauncherVerbs.class.getClassLoader().getResource("dev/strata/devstack/DevStack.class") != null;
    }

    static void addTo(CommandLine commandLine) {
        commandLine.addSubcommand(new UpCommand())
                .addSubcommand(new DownCommand())
                .addSubcommand(new StatusCommand())
                .addSubcommand(new RestartCommand());
    }

    /** A failure of the dev stack is a sentence for the user (e.g. a port taken), not a bug. */
    static boolean isKnownFailure(Throwable e) {
        return e instanceof DevStackException;
    }
}
