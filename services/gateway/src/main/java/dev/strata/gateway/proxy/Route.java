package dev.strata.gateway.proxy;

import java.util.Set;

import dev.strata.gateway.problem.Problem;
import dev.strata.gateway.problem.ProblemException;

/**
 * Where a request goes: {@code /api/<service>/<rest>} to that service's {@code /api/<rest>}, and the issuer's own paths
 * ({@code /oauth2/**}, {@code /.well-known/**}) to the auth service unchanged, so that the issuer can sit behind the
 * gateway. {@code uri} is the path and query to ask the service for.
 */
public record Route(String service, String uri) {

    /** The services behind {@code /api/<service>}; the gateway itself is not one. */
    public static final Set<String> SERVICES = Set.of("auth", "registry", "ingest", "transform", "scheduler",
            "notifier");
    static final String AUTH = "auth";
    private static final String API = "/api/";

    /**
     * @param path the normalized path (no dot segments)
     * @param query the raw query, or null
     * @throws ProblemException 404 when no service answers the path
     */
    public static Route of(String path, String query) {
        String suffix = query == null ? "" : "?" + query;
        if (path.startsWith("/oauth2/") || path.startsWith("/.well-known/")) {
            return new Route(AUTH, path + suffix);
        }
        if (path.startsWith(API)) {
            int slash = path.indexOf('/', API.length());
            String service = slash < 0 ? path.substring(API.length()) : path.substring(API.length(), slash);
            if (SERVICES.contains(service)) {
                String rest = slash < 0 ? "/" : path.substring(slash);
                return new Route(service, "/api" + rest + suffix);
            }
            if (!service.isEmpty()) {
                throw new ProblemException(Problem.notFound("There is no service named '" + abbreviate(service)
                        + "': the services are /api/auth, /api/registry, /api/ingest, /api/transform,"
                        + " /api/scheduler and /api/notifier."));
            }
        }
        throw new ProblemException(Problem.notFound("Nothing is served at " + abbreviate(path)
                + "; the API is under /api/<service>/, e.g. /api/registry/v1/datasets."));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 80) + "...";
    }
}
