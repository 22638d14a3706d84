package dev.strata.registry.sql;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import dev.strata.web.Problem;

/**
 * An RFC 9457 problem of the SQL workspace, with the members the contract adds ({@code line}, {@code column},
 * {@code position}, {@code sqlState}). Also the body of the {@code {"error":...}} line of a stream that failed after
 * its first line.
 */
public final class SqlProblem extends RuntimeException {

    private final transient Map<String, Object> body;

    SqlProblem(Status status, String slug, String title, String detail) {
        this(status.getStatusCode(), slug, title, detail);
    }

    SqlProblem(int status, String slug, String title, String detail) {
        super(detail, null, false, false);
        body = new LinkedHashMap<>();
        body.put("type", Problem.TYPE_PREFIX + slug);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
    }

    SqlProblem with(String member, Object value) {
        if (value != null) {
            body.put(member, value);
        }
        return this;
    }

    Map<String, Object> body() {
        return body;
    }

    int status() {
        return (Integer) body.get("status");
    }

    String title() {
        return (String) body.get("title");
    }

    Response toResponse() {
        return Response.status(status()).type(MediaType.valueOf(Problem.MEDIA_TYPE)).entity(body).build();
    }

    static SqlProblem refused(String sentence) {
        return new SqlProblem(Status.FORBIDDEN, "query-refused", "Query refused", sentence);
    }
}
