package dev.strata.registry.sql;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Answers a {@link SqlProblem} as its RFC 9457 problem. */
public class SqlProblemMapper {

    @ServerExceptionMapper
    public Response map(SqlProblem e) {
        return e.toResponse();
    }
}
