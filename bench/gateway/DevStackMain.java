import java.nio.file.Path;

import dev.strata.devstack.Component;
import dev.strata.devstack.DevStack;

/**
 * Starts the infrastructure the gateway needs (Postgres, Kafka, Redis) under a directory, prints each setting as an
 * environment variable ({@code NAME=value}), then {@code READY}, and runs until it is terminated (SIGTERM stops the
 * servers). Used by bench/gateway/run.sh; run with the dev stack's classpath.
 */
public class DevStackMain {

    public static void main(String[] args) throws Exception {
        DevStack stack = DevStack.start(Path.of(args[0]), Component.parse("postgres,kafka,redis"));
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
        stack.serviceConfig().forEach((key, value) -> System.out.println(DevStack.envName(key) + "=" + value));
        System.out.println("READY");
        System.out.flush();
        Thread.currentThread().join();
    }
}
