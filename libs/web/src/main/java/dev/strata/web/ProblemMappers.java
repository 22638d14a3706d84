package dev.strata.web;

import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

import dev.strata.web.db.DataAccessException;

/**
 * Every error of a service's REST API as an RFC 9457 problem detail, in a sentence a person can act on. Never a stack
 * trace, never the request body (it may hold a password, or a secret by mistake): a failure of the service itself is
 * logged on the server, the client gets a sentence. A service maps exceptions of its own in a class of its own.
 */
public class ProblemMappers {

    /**
     * The attribute of an {@link AuthenticationFailedException} that says, in a sentence, why the token was refused
     * (set by an authentication mechanism that knows; otherwise a general sentence is answered).
     */
    public static final String REFUSAL_REASON = "strata.token-refused";

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private static final String ROLES_TOO_LOW = "Your roles do not allow this; ask an admin of the namespace for a higher role.";
    private static final String UNREADABLE_BODY = "The request body is not the JSON this endpoint expects; see /q/openapi for its shape.";

    private final String service;

    ProblemMappers(@ConfigProperty(name = "quarkus.application.name") String service) {
        this.service = service;
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e) {
        return e.problem().toResponse();
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e) {
        Object reason = e.getAttribute(REFUSAL_REASON);
        String detail = reason instanceof String sentence
                ? sentence
                : "The bearer token is missing or invalid; sign in again to get a new one.";
        return Response.fromResponse(Problem.of(Status.UNAUTHORIZED, "invalid-token", detail).toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"").build();
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e) {
        return Response.fromResponse(Problem.of(Status.UNAUTHORIZED, "unauthenticated",
                "This endpoint needs a bearer access token (Authorization: Bearer <token>).").toResponse())
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return Problem.of(Status.FORBIDDEN, "forbidden", ROLES_TOO_LOW).toResponse();
    }

    @ServerExceptionMapper
    public Response unreadableBody(JsonProcessingException e) {
        return Problem.of(Status.BAD_REQUEST, "invalid-request", UNREADABLE_BODY).toResponse();
    }

    /**
     * A field the body's type does not have ({@code load_mode} for {@code loadMode}): refused rather than ignored, so
     * a typo cannot pass silently ({@code quarkus.jackson.fail-on-unknown-properties}, set for every service in this
     * library's defaults). Names the field, where it is (a JSON path) and, when there are few, the fields allowed there.
     */
    @ServerExceptionMapper(priority = Priorities.USER - 110)
    public Response unknownField(UnrecognizedPropertyException e) {
        return unknownField(e.getPropertyName(), jsonPath(e.getPath().subList(0, Math.max(0, e.getPath().size() - 1))),
                e.getKnownPropertyIds());
    }

    /**
     * The problem for an unknown field, also for a service that checks a raw body by hand: {@code field} at
     * {@code at} (a JSON path, {@code $} for the top), listing {@code known} (left out when empty or long).
     */
    public static Response unknownField(String field, String at, Collection<?> known) {
        List<String> allowed = known == null ? List.of() : known.stream().map(Objects::toString).sorted().toList();
        String detail = "Unknown field '" + printable(field) + "' at " + at + (allowed.isEmpty() || allowed.size() > 20
                ? "; see /q/openapi for the fields allowed there."
                : "; the fields allowed there are " + allowed.stream().collect(Collectors.joining(", ")) + ".");
        return Problem.of(Status.BAD_REQUEST, "unknown-field", detail).toResponse();
    }

    /** {@code $.source.columns[2]}: where in the body a reference path points. */
    public static String jsonPath(List<JsonMappingException.Reference> path) {
        StringBuilder at = new StringBuilder("$");
        for (JsonMappingException.Reference ref : path) {
            at.append(ref.getFieldName() != null ? "." + printable(ref.getFieldName()) : "[" + ref.getIndex() + "]");
        }
        return at.toString();
    }

    /** A name from the caller, cut short and without control characters, fit to quote in a sentence. */
    private static String printable(String name) {
        if (name == null) {
            return "";
        }
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "…" : clean;
    }

    /** A field of the wrong type ({@code "tags": "x"} for a list): named, so the caller knows what to fix. */
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response mismatchedBody(MismatchedInputException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownField(unknown);
        }
        String field = e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
                .reduce("", String::concat);
        if (field.isEmpty()) {
            return unreadableBody(e);
        }
        return Problem.of(Status.BAD_REQUEST, "invalid-request", "Field '" + field.substring(field.startsWith(".")
                ? 1
                : 0) + "' has the wrong type or shape; see /q/openapi for the shape of this body.").toResponse();
    }

    @ServerExceptionMapper
    public Response dataAccess(DataAccessException e) {
        if (e.isUniqueViolation()) {
            return Problem.of(Status.CONFLICT, "conflict",
                    "Something with the same name exists already or was created at the same time; retry, or pick "
                            + "another name.")
                    .toResponse();
        }
        LOG.error("request failed in the database", e);
        return databaseUnavailable();
    }

    /** A statement run on a connection of its own (the message only: it never holds the statement's parameters). */
    @ServerExceptionMapper
    public Response database(SQLException e) {
        LOG.errorf("request failed in the database: %s", e.getMessage());
        return databaseUnavailable();
    }

    private Response databaseUnavailable() {
        return Problem.of(Status.SERVICE_UNAVAILABLE, "database-unavailable",
                "The " + service + " database did not answer; retry in a moment.").toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        Status known = Status.fromStatusCode(status);
        String detail = switch (status) {
            case 403 -> hasOwnMessage(e) ? sentence(e.getMessage()) : ROLES_TOO_LOW;
            case 404 -> "There is nothing at this path that you can read; see /q/openapi for the API.";
            case 405 -> "This path does not accept this HTTP method; see /q/openapi.";
            case 406, 415 -> "This endpoint does not speak that media type; see /q/openapi.";
            case 413 -> "The request body is larger than this service accepts (quarkus.http.limits.max-body-size).";
            case 400 -> "The request is malformed; see /q/openapi for what this endpoint expects.";
            default -> known == null ? "The request failed." : known.getReasonPhrase() + ".";
        };
        String title = known == null ? "Error" : known.getReasonPhrase();
        String slug = switch (status) {
            case 403 -> "forbidden";
            case 404 -> "not-found";
            default -> "http-" + status;
        };
        return new Problem(Problem.TYPE_PREFIX + slug, title, status, detail).toResponse();
    }

    /**
     * Whether the exception says more than its status ({@code NamespaceAccess}: "this needs the engineer role in
     * namespace 'sales'"); Jakarta REST's own message is "HTTP 403 Forbidden".
     */
    private static boolean hasOwnMessage(WebApplicationException e) {
        String message = e.getMessage();
        return message != null && !message.isBlank() && !message.startsWith("HTTP ");
    }

    private static String sentence(String message) {
        String s = Character.toUpperCase(message.charAt(0)) + message.substring(1);
        return s.endsWith(".") ? s : s + ".";
    }
}
