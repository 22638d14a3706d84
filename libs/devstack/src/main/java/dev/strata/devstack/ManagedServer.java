package dev.strata.devstack;

import java.nio.file.Path;
import java.util.OptionalLong;

/** One server of the dev stack. It can be stopped and started again on the same port with the same data. */
public interface ManagedServer {

    /** Short name, such as {@code postgres}; also the name of its log and pid files. */
    String name();

    int port();

    boolean isRunning();

    /** Starts the server and waits until it serves; a no-op when it runs already. */
    void start();

    /** Stops the server and waits until it is gone; its data stays. A no-op when it is stopped. */
    void stop();

    /** The operating-system process id of the server, when it runs. */
    OptionalLong pid();

    Path logFile();
}
