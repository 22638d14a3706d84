package dev.strata.registry.sql;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.jwt.JsonWebToken;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.security.identity.SecurityIdentity;

import dev.strata.registry.client.AuthClient;
import dev.strata.security.Role;
import dev.strata.security.StrataClaims;

/**
 * The caller's role in a namespace as auth's role bindings stand now, asked before any SQL runs
 * ({@code GET /api/v1/me/namespaces/{ns}} at auth, with the caller's own token), so a removed or lowered binding
 * counts on the next query, not when the token expires. Asked on every query, export and saved-query run; no cache.
 * Tokens of an external issuer carry no {@code strata_ns} claim and have no bindings at auth: their roles come from
 * that issuer and are not asked again.
 */
@ApplicationScoped
public class LiveRoles {

    private final AuthClient auth;
    private final SecurityIdentity identity;
    private final ObjectMapper json;

    LiveRoles(AuthClient auth, SecurityIdentity identity, ObjectMapper json) {
        this.auth = auth;
        this.identity = identity;
        this.json = json;
    }

    /**
     * Refuses with 403 unless auth says the caller is an analyst (or more) of {@code namespace} right now; with 503
     * when auth cannot say (the query is never run unchecked).
     */
    public void requireAnalyst(String namespace) {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt) || jwt.getClaim(StrataClaims.NAMESPACES) == null) {
            return;
        }
        AuthClient.Answer answer;
        try {
            answer = auth.get("/api/v1/me/namespaces/" + AuthClient.segment(namespace));
        } catch (AuthClient.Unavailable e) {
            throw unavailable(namespace, e.getMessage());
        }
        if (answer.status() == 401) {
            throw new SqlProblem(Status.UNAUTHORIZED, "unauthorized", "Unauthorized", "The auth service no longer "
                    + "accepts your token, so your role in " + namespace + " cannot be checked: sign in again.");
        }
        if (answer.status() != 200) {
            throw unavailable(namespace, "the auth service answered " + answer.status());
        }
        String current;
        try {
            JsonNode role = json.readTree(answer.body()).path("role");
            current = role.isTextual() ? role.asText() : null;
        } catch (JsonProcessingException e) {
            throw unavailable(namespace, "the auth service's answer is unreadable");
        }
        Role role;
        try {
            role = current == null ? null : Role.parse(current);
        } catch (IllegalArgumentException e) {
            throw unavailable(namespace, "the auth service answered an unknown role");
        }
        if (role == null || !role.atLeast(Role.ANALYST)) {
            throw new SqlProblem(Status.FORBIDDEN, "role-changed", "Role changed", "Your role in " + namespace
                    + " changed: you are now " + (role == null ? "without a role" : role.id()) + " there, and "
                    + "running SQL needs analyst or higher. The query was not run; ask an admin of " + namespace
                    + " for the analyst role.");
        }
    }

    private static SqlProblem unavailable(String namespace, String why) {
        return new SqlProblem(Status.SERVICE_UNAVAILABLE, "dependency-unavailable", "Service Unavailable",
                "Your role in " + namespace + " cannot be checked now: " + why + ". The query was not run; retry in "
                        + "a moment.");
    }
}
