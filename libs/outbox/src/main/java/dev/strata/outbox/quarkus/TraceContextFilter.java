package dev.strata.outbox.quarkus;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

import dev.strata.outbox.Tracing;

/**
 * Resumes the request's W3C trace context ({@code traceparent}, set by the gateway) for the work the request does,
 * so that the events it writes to the outbox carry it and its log lines name it; see {@link Tracing}. Request filters
 * run on the thread of the resource method, response filters after it on the same thread.
 */
@Provider
public class TraceContextFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String RESUMED = TraceContextFilter.class.getName() + ".resumed";

    @Override
    public void filter(ContainerRequestContext request) {
        String traceparent = request.getHeaderString(Tracing.TRACEPARENT);
        if (traceparent != null) {
            request.setProperty(RESUMED,
                    Tracing.resume(traceparent, request.getHeaderString(Tracing.TRACESTATE)));
        }
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(RESUMED) instanceof Tracing.Resumed resumed) {
            resumed.close();
        }
    }
}
