package dev.strata.notifier.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The outside world of the notifier, for tests, on loopback: an HTTP receiver (Slack's incoming webhook and generic
 * webhooks), a second receiver that is DOWN until {@link #startFlaky()} (its port refuses connections), and a real SMTP
 * server (GreenMail). The HTTP receivers record every request with the status they answered. A trap on another
 * loopback address ({@link #TRAP_HOST}, not allow-listed) accepts connections, counts them and never answers: the
 * address guard must refuse it before connecting.
 */
public final class Receivers implements AutoCloseable {

    /** How a path answers. */
    public enum Mode {
        OK,
        FAIL_500,
        /** 503 to the first request of each delivery (X-Strata-Delivery-Id), 200 afterwards. */
        FIRST_503
    }

    /** One request a receiver got. Header names are lower-case. */
    public record Received(String path, Map<String, String> headers, byte[] body, int answered) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    public static final String SLACK_PATH = "/slack/services/T0001/B0001/";
    public static final String SIGNED_PATH = "/hooks/signed";
    public static final String BROKEN_PATH = "/hooks/broken";
    public static final String FLAKY_PATH = "/hooks/flaky";
    public static final String MAIL_USER = "alerts";
    public static final String TRAP_HOST = "127.0.0.2";

    private final HttpServer http;
    private final int flakyPort;
    private volatile HttpServer flaky;
    private final GreenMail mail;
    private final int mailPort;
    private final String slackToken = random();
    private final String signingKey = random();
    private final String mailPassword = random();
    private final Map<String, Mode> modes = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Boolean> answered503 = new ConcurrentHashMap<>();
    private final ServerSocket trap;
    private final AtomicInteger trapped = new AtomicInteger();

    public Receivers() {
        try {
            http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            http.createContext("/", this::handle);
            http.setExecutor(Executors.newFixedThreadPool(4));
            http.start();
            flakyPort = freePort();
            mailPort = freePort();
            trap = new ServerSocket(0, 50, InetAddress.getByName(TRAP_HOST));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread trapper = new Thread(() -> {
            while (!trap.isClosed()) {
                try {
                    trap.accept(); // held open, never answered: a "silent" port
                    trapped.incrementAndGet();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "receivers-trap");
        trapper.setDaemon(true);
        trapper.start();
        mail = new GreenMail(new ServerSetup(mailPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        mail.start();
        mail.setUser("alerts@strata.test", MAIL_USER, mailPassword);
        modes.put(SLACK_PATH, Mode.OK);
        modes.put(SIGNED_PATH, Mode.OK);
        modes.put(BROKEN_PATH, Mode.FAIL_500);
        modes.put(FLAKY_PATH, Mode.FIRST_503);
    }

    /** The secrets the notifier is configured with: names → values, as {@code strata.secrets.<name>}. */
    public Map<String, String> secrets() {
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        Map<String, String> secrets = new TreeMap<>();
        secrets.put("slack-url", base + SLACK_PATH + slackToken);
        secrets.put("hook-url", base + SIGNED_PATH);
        secrets.put("hook-key", signingKey);
        secrets.put("broken-hook-url", base + BROKEN_PATH);
        secrets.put("flaky-hook-url", "http://127.0.0.1:" + flakyPort + FLAKY_PATH);
        secrets.put("smtp-password", mailPassword);
        secrets.put("trap-url", "http://" + TRAP_HOST + ":" + trap.getLocalPort() + "/hooks/trap");
        return secrets;
    }

    public String slackToken() {
        return slackToken;
    }

    public String signingKey() {
        return signingKey;
    }

    public String mailPassword() {
        return mailPassword;
    }

    public int mailPort() {
        return mailPort;
    }

    /** The port of the trap on {@link #TRAP_HOST}. */
    public int trapPort() {
        return trap.getLocalPort();
    }

    /** Connections the trap accepted: each one is a guard that let an internal address through. */
    public int trapConnections() {
        return trapped.get();
    }

    public void mode(String path, Mode mode) {
        modes.put(path, mode);
    }

    /** Brings the flaky receiver up: until now its port refused connections. */
    public synchronized void startFlaky() {
        if (flaky != null) {
            return;
        }
        try {
            flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", flakyPort), 50);
            flaky.createContext("/", this::handle);
            flaky.setExecutor(Executors.newFixedThreadPool(2));
            flaky.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Requests received on paths starting with {@code prefix}. */
    public List<Received> received(String prefix) {
        return received.stream().filter(r -> r.path().startsWith(prefix)).toList();
    }

    public MimeMessage[] mails() {
        return mail.getReceivedMessages();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String path = exchange.getRequestURI().getPath();
        Mode mode = modes.entrySet().stream().filter(e -> path.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(null);
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        int status;
        if (mode == null || !"POST".equals(exchange.getRequestMethod())) {
            status = 404;
        } else {
            status = switch (mode) {
                case OK -> 200;
                case FAIL_500 -> 500;
                case FIRST_503 -> answered503.putIfAbsent(path + headers.get("x-strata-delivery-id"), true) == null
                        ? 503
                        : 200;
            };
        }
        received.add(new Received(path, headers, body, status));
        byte[] answer = (status == 200 ? "ok" : "receiver says " + status).getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }

    @Override
    public void close() {
        http.stop(0);
        if (flaky != null) {
            flaky.stop(0);
        }
        mail.stop();
        try {
            trap.close();
        } catch (IOException e) {
            // closing
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String random() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
