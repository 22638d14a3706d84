package dev.strata.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = VersionCommand.ABOUT)
final class VersionCommand implements Callable<Integer> {

    static final String ABOUT = "Print the version of strata and of the Java it runs on.";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println("strata " + StrataCommand.version() + " (Java "
                + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                + ")");
        return 0;
    }
}
