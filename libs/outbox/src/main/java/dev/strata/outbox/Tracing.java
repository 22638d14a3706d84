package dev.strata.outbox;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.MDC;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;

/**
 * W3C Trace Context across Strata's hops, with the OpenTelemetry API's propagator: the gateway starts (or continues) a
 * trace, a service resumes it for the work a request does ({@code quarkus.TraceContextFilter}), every event written to
 * the outbox in that work carries it as Kafka headers ({@link OutboxMessage#of}), and a consumer resumes it from the
 * record ({@link #resume(Headers)}) — or from a queued row — for the work the event starts. While a trace is resumed
 * the log MDC holds {@code traceId} and {@code spanId}, so every log line names the trace it belongs to.
 *
 * <p>With an OpenTelemetry SDK in the service the spans it starts are children of the resumed context; without one the
 * trace id still travels and is logged.
 */
public final class Tracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";
    public static final String MDC_TRACE_ID = "traceId";
    public static final String MDC_SPAN_ID = "spanId";

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final Resumed NOTHING = () -> {
    };

    private static final TextMapGetter<Map<String, String>> MAP = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private Tracing() {
    }

    /** The work's trace context as headers ({@code traceparent}, {@code tracestate}); empty outside a trace. */
    public static Map<String, String> currentHeaders() {
        Map<String, String> carrier = new LinkedHashMap<>();
        W3C.inject(Context.current(), carrier, (map, key, value) -> map.put(key, value));
        return carrier;
    }

    /** The work's {@code traceparent}, or null outside a trace. */
    public static String currentTraceparent() {
        return currentHeaders().get(TRACEPARENT);
    }

    /** The work's trace id, or null outside a trace. */
    public static String currentTraceId() {
        SpanContext span = Span.current().getSpanContext();
        return span.isValid() ? span.getTraceId() : null;
    }

    /**
     * Makes the trace of these headers the current one (and puts it in the log MDC) until the result is closed, on
     * this thread. Without a valid {@code traceparent} nothing changes.
     */
    public static Resumed resume(String traceparent, String tracestate) {
        if (traceparent == null) {
            return NOTHING;
        }
        Map<String, String> carrier = new LinkedHashMap<>();
        carrier.put(TRACEPARENT, traceparent);
        if (tracestate != null) {
            carrier.put(TRACESTATE, tracestate);
        }
        Context context = W3C.extract(Context.root(), carrier, MAP);
        SpanContext span = Span.fromContext(context).getSpanContext();
        if (!span.isValid()) {
            return NOTHING;
        }
        Object previousTrace = MDC.get(MDC_TRACE_ID);
        Object previousSpan = MDC.get(MDC_SPAN_ID);
        io.opentelemetry.context.Scope scope = context.makeCurrent();
        MDC.put(MDC_TRACE_ID, span.getTraceId());
        MDC.put(MDC_SPAN_ID, span.getSpanId());
        return () -> {
            scope.close();
            restore(MDC_TRACE_ID, previousTrace);
            restore(MDC_SPAN_ID, previousSpan);
        };
    }

    /** {@link #resume(String, String)} with the trace context headers of a Kafka record. */
    public static Resumed resume(Headers headers) {
        return resume(last(headers, TRACEPARENT), last(headers, TRACESTATE));
    }

    private static String last(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void restore(String key, Object previous) {
        if (previous == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, previous);
        }
    }

    /** A resumed trace; closing it restores what was current before. */
    @FunctionalInterface
    public interface Resumed extends AutoCloseable {
        @Override
        void close();
    }
}
