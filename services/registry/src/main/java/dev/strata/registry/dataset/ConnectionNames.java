package dev.strata.registry.dataset;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import dev.strata.registry.client.AuthClient;
import dev.strata.web.Problem;
import dev.strata.web.ProblemException;

/**
 * Whether the connection a load spec names ({@code source.connection}) exists in the dataset's namespace, asked at the
 * auth service with the caller's own token ({@code GET /api/v1/namespaces/{ns}/connections/{name}}: kind and settings,
 * never a secret's value; the caller is an engineer of the namespace, so a viewer's read is allowed). A missing one is
 * a 422 naming the field; auth not answering is a 503.
 */
@ApplicationScoped
public class ConnectionNames {

    private final AuthClient auth;

    ConnectionNames(AuthClient auth) {
        this.auth = auth;
    }

    /** Refuses the request unless the namespace has the connection (nothing to check without one). */
    public void requireExisting(String namespace, String connection) {
        if (connection == null) {
            return;
        }
        int status;
        try {
            status = auth.get("/api/v1/namespaces/" + AuthClient.segment(namespace) + "/connections/"
                    + AuthClient.segment(connection)).status();
        } catch (AuthClient.Unavailable e) {
            throw unavailable(e.getMessage());
        }
        if (status == 404) {
            throw new ProblemException(new Problem(Problem.TYPE_PREFIX + "unresolved-reference",
                    "Unprocessable Content", 422, "source.connection: there is no connection '" + connection
                            + "' in namespace '" + namespace + "': create it first (PUT /api/v1/namespaces/"
                            + namespace + "/connections/" + connection + " at auth)"));
        }
        if (status != 200) {
            throw unavailable("the auth service answered " + status);
        }
    }

    private static ProblemException unavailable(String why) {
        return new ProblemException(Status.SERVICE_UNAVAILABLE, "dependency-unavailable", "source.connection cannot "
                + "be checked now: " + why + ". Retry in a moment.");
    }
}
