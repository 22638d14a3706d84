package dev.strata.gateway.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.problem.Problem;

/**
 * {@code strata.gateway.max-body-size}: a request that announces a bigger body ({@code Content-Length}) is refused
 * with 413 before anything is read; a streamed (chunked) one is cut off when it passes the limit.
 */
@ApplicationScoped
public class BodySizeLimit {

    public static final int PRIORITY = 800;

    private final long maxBodySize;

    BodySizeLimit(GatewayConfig config) {
        this.maxBodySize = config.maxBodySize().asLongValue();
    }

    void register(@Observes Filters filters) {
        filters.register(this::handle, PRIORITY);
    }

    void handle(RoutingContext ctx) {
        String length = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null) {
            long announced;
            try {
                announced = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                new Problem(400, "Bad Request", "The Content-Length header is not a number.").send(ctx);
                return;
            }
            if (announced > maxBodySize) {
                tooLarge(maxBodySize).send(ctx);
                return;
            }
        }
        ctx.next();
    }

    static Problem tooLarge(long limit) {
        return new Problem(413, "Content Too Large", "The request body is larger than the gateway accepts ("
                + human(limit) + "); send less, or ask an operator to raise STRATA_GATEWAY_MAX_BODY_SIZE.");
    }

    private static String human(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return (value == Math.rint(value) ? String.valueOf((long) value) : String.format("%.1f", value)) + " "
                + units[unit];
    }
}
