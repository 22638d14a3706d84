package dev.strata.outbox;

import java.io.IOException;
import java.util.Map;

import org.postgresql.ds.PGSimpleDataSource;

/**
 * An outbox relay in a JVM of its own, so that a test can kill it with SIGKILL, as an orchestrator kills a pod.
 * Arguments: JDBC URL, user, schema, Kafka bootstrap servers, batch size, and the number of acknowledged records after
 * which it freezes ({@link FreezeAfterAcks}). It exits when its standard input closes (the test JVM died).
 */
public final class RelayProcess {

    private RelayProcess() {
    }

    public static void main(String[] args) throws IOException {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(args[0]);
        dataSource.setUser(args[1]);
        dataSource.setCurrentSchema(args[2]);
        OutboxRelay.Settings settings = OutboxRelay.Settings.defaults(args[3])
                .withBatchSize(Integer.parseInt(args[4]))
                .withProducerProperties(Map.of(
                        "interceptor.classes", FreezeAfterAcks.class.getName(),
                        FreezeAfterAcks.AFTER, args[5]));
        OutboxRelay relay = new OutboxRelay(dataSource, settings);
        relay.start();
        System.out.println("STARTED");
        System.out.flush();
        while (System.in.read() != -1) {
            // wait for the parent to go away
        }
        Runtime.getRuntime().halt(1);
    }
}
