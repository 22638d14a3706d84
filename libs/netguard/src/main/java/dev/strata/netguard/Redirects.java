package dev.strata.netguard;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Locale;
import java.util.Set;

/**
 * Follows redirects by hand so that every hop is checked by the {@link AddressGuard}: an HTTP client that follows them
 * itself would connect to wherever a public server points it (e.g. {@code 169.254.169.254}).
 */
public final class Redirects {

    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    /** Never sent to the target of a redirect (the original request's credentials belong to the original host). */
    private static final Set<String> DROPPED = Set.of("authorization", "proxy-authorization", "cookie");

    private Redirects() {
    }

    /**
     * Checks the request's host, sends it, and while the answer is a redirect with a {@code Location}, checks the
     * target and sends the request there (303, and 301/302 after a POST, become a GET without body, as browsers do;
     * credentials headers are dropped). The answer is the first one that is not a redirect.
     *
     * @param client   must be built with {@link HttpClient.Redirect#NEVER}
     * @param maxHops  redirects followed at most
     * @throws AddressRefusedException when a host is refused, a {@code Location} is not an http(s) URL, or after
     *                                 {@code maxHops} redirects
     */
    public static <T> HttpResponse<T> send(HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler,
            AddressGuard guard, int maxHops) throws IOException, InterruptedException {
        if (client.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException(
                    "the client must not follow redirects itself (HttpClient.Redirect.NEVER)");
        }
        HttpResponse.BodyHandler<T> discardRedirects = info -> isRedirect(info.statusCode(), info.headers())
                ? HttpResponse.BodySubscribers.replacing(null)
                : handler.apply(info);
        HttpRequest current = request;
        for (int hop = 0;; hop++) {
            guard.check(current.uri());
            HttpResponse<T> response = client.send(current, discardRedirects);
            if (!isRedirect(response.statusCode(), response.headers())) {
                return response;
            }
            if (hop >= maxHops) {
                throw new AddressRefusedException(AddressRefusedException.Reason.TOO_MANY_REDIRECTS,
                        current.uri().getHost() + " redirected more than " + maxHops + " times");
            }
            URI next = Urls.redirect(current.uri(), response.headers().firstValue("Location").orElseThrow());
            current = next(current, response.statusCode(), next);
        }
    }

    private static boolean isRedirect(int status, java.net.http.HttpHeaders headers) {
        return REDIRECTS.contains(status) && headers.firstValue("Location").isPresent();
    }

    private static HttpRequest next(HttpRequest previous, int status, URI target) {
        String method = previous.method();
        boolean toGet = status == 303 && !method.equals("HEAD")
                || (status == 301 || status == 302) && method.equals("POST");
        HttpRequest.Builder builder = HttpRequest.newBuilder(previous, (name, value) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            return !DROPPED.contains(lower) && !(toGet && lower.startsWith("content-"));
        }).uri(target);
        if (toGet) {
            builder.GET();
        }
        return builder.build();
    }
}
