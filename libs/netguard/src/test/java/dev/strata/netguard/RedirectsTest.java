package dev.strata.netguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

/** Redirects followed by hand against a real HTTP server on 127.0.0.1 (allow-listed); 127.0.0.2 is not. */
class RedirectsTest {

    private static HttpServer server;
    private static final List<String> HITS = new CopyOnWriteArrayList<>();
    private static final List<String> AUTHORIZATION = new CopyOnWriteArrayList<>();
    private final AddressGuard guard = AddressGuard.of(List.of("127.0.0.1"), "strata.test.allowed-hosts");
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            HITS.add(exchange.getRequestMethod() + " " + path);
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            AUTHORIZATION.add(auth == null ? "-" : auth);
            exchange.getRequestBody().readAllBytes();
            if (path.startsWith("/to/")) {
                exchange.getResponseHeaders().add("Location", exchange.getRequestURI().getRawQuery());
                exchange.sendResponseHeaders(Integer.parseInt(path.substring(4)), -1);
            } else if (path.equals("/loop")) {
                exchange.getResponseHeaders().add("Location", "/loop");
                exchange.sendResponseHeaders(302, -1);
            } else {
                byte[] body = "ok".getBytes();
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private URI at(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery);
    }

    @Test
    void aRedirectToAnAllowedHostIsFollowedWithoutCredentials() throws Exception {
        HITS.clear();
        AUTHORIZATION.clear();
        HttpRequest request = HttpRequest.newBuilder(at("/to/303?/done")).header("Authorization", "Bearer t")
                .POST(HttpRequest.BodyPublishers.ofString("x")).build();
        HttpResponse<String> response = Redirects.send(client, request, HttpResponse.BodyHandlers.ofString(), guard, 3);
        assertEquals(200, response.statusCode());
        assertEquals("ok", response.body());
        assertEquals(List.of("POST /to/303", "GET /done"), HITS);
        assertEquals(List.of("Bearer t", "-"), AUTHORIZATION);
    }

    @Test
    void aRedirectToAnInternalHostIsRefusedBeforeItIsRequested() {
        HITS.clear();
        int port = server.getAddress().getPort();
        for (String target : new String[]{"http://127.0.0.2:" + port + "/secret", "http://[::ffff:7f00:2]:" + port
                + "/secret", "http://169.254.169.254/latest/meta-data/"}) {
            HttpRequest request = HttpRequest.newBuilder(at("/to/307?" + target)).GET().build();
            var refused = assertThrows(AddressRefusedException.class,
                    () -> Redirects.send(client, request, HttpResponse.BodyHandlers.ofString(), guard, 3));
            assertEquals(AddressRefusedException.Reason.INTERNAL, refused.reason(), refused.getMessage());
        }
        assertEquals(List.of("GET /to/307", "GET /to/307", "GET /to/307"), HITS);
    }

    @Test
    void aRedirectToAnotherSchemeOrALoopEnds() {
        HttpRequest file = HttpRequest.newBuilder(at("/to/302?file:///etc/passwd")).GET().build();
        assertEquals(AddressRefusedException.Reason.MALFORMED, assertThrows(AddressRefusedException.class,
                () -> Redirects.send(client, file, HttpResponse.BodyHandlers.ofString(), guard, 3)).reason());
        HttpRequest loop = HttpRequest.newBuilder(at("/loop")).GET().build();
        var refused = assertThrows(AddressRefusedException.class,
                () -> Redirects.send(client, loop, HttpResponse.BodyHandlers.ofString(), guard, 3));
        assertEquals("127.0.0.1 redirected more than 3 times", refused.getMessage());
    }

    @Test
    void aClientThatFollowsRedirectsItselfIsRejected() {
        HttpClient following = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
        assertThrows(IllegalArgumentException.class, () -> Redirects.send(following,
                HttpRequest.newBuilder(at("/ok")).build(), HttpResponse.BodyHandlers.discarding(), guard, 3));
    }
}
