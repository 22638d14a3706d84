package dev.strata.gateway.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The gateway's neighbours in tests, on free loopback ports: two services (registry, ingest) that echo what they
 * receive, the stub issuer (also the auth service), and a scheduler that is down (nothing listens on its port).
 * Transform and notifier are not configured.
 */
public class TestUpstreams implements QuarkusTestResourceLifecycleManager {

    private EchoService registry;
    private EchoService ingest;
    private StubIssuer issuer;

    @Override
    public Map<String, String> start() {
        // the JDK server would otherwise send headers and body in two packets, 40 ms apart (Nagle + delayed ACK)
        System.setProperty("sun.net.httpserver.nodelay", "true");
        registry = EchoService.start("registry");
        ingest = EchoService.start("ingest");
        issuer = StubIssuer.start();
        return Map.of(
                "strata.services.registry.url", registry.url(),
                "strata.services.ingest.url", ingest.url(),
                "strata.services.auth.url", issuer.url(),
                "strata.auth.issuer", issuer.url(),
                "strata.services.scheduler.url", "http://127.0.0.1:" + closedPort());
    }

    @Override
    public void stop() {
        for (Runnable stop : new Runnable[]{
                () -> registry.stop(), () -> ingest.stop(), () -> issuer.stop()}) {
            try {
                stop.run();
            } catch (RuntimeException e) {
                // best effort
            }
        }
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
