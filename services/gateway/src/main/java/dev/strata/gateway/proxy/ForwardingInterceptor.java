package dev.strata.gateway.proxy;

import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

import dev.strata.gateway.GatewayMetrics;
import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.problem.Problem;

/**
 * Applies the gateway's decisions inside the proxy: the path the service is asked for, the body-size limit of streamed
 * (chunked) uploads, and a problem (502, 504, 413) instead of an empty error when the service cannot be reached.
 * Hop-by-hop headers of the service's answer are not passed on.
 */
@ApplicationScoped
public class ForwardingInterceptor implements ProxyInterceptor {

    private static final Logger LOG = Logger.getLogger(ForwardingInterceptor.class);
    private static final String[] HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "te", "trailer",
            "upgrade"};

    private final long maxBodySize;
    private final long timeoutSeconds;
    private final GatewayMetrics metrics;

    ForwardingInterceptor(GatewayConfig config, GatewayMetrics metrics) {
        this.maxBodySize = config.maxBodySize().asLongValue();
        this.timeoutSeconds = config.upstreamTimeout().toSeconds();
        this.metrics = metrics;
    }

    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        ProxyRequest request = context.request();
        UpstreamRequest upstream = (UpstreamRequest) request.proxiedRequest();
        request.setURI(upstream.upstream().basePath() + upstream.target());
        Body body = request.getBody();
        if (body != null) {
            // a Content-Length above the limit was refused already (BodySizeLimit); a chunked body is counted
            long limit = body.length() < 0 ? maxBodySize : Long.MAX_VALUE;
            request.setBody(Body.body(new ForwardedBody(body.stream(), limit, upstream::bodyTooLarge,
                    upstream::bodySent), body.length()));
        } else {
            upstream.bodySent();
        }
        return context.sendRequest().recover(failure -> Future.succeededFuture(problem(context, upstream, failure)));
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext context) {
        MultiMap headers = context.response().headers();
        for (String name : HOP_BY_HOP) {
            headers.remove(name);
        }
        UpstreamRequest upstream = (UpstreamRequest) context.request().proxiedRequest();
        if (upstream.isRefused()) {
            return context.sendResponse().onComplete(v -> Problem.closeSoon(upstream));
        }
        return context.sendResponse();
    }

    private ProxyResponse problem(ProxyContext context, UpstreamRequest upstream, Throwable failure) {
        String service = upstream.upstream().name();
        Problem problem;
        if (upstream.isBodyTooLarge()) {
            problem = BodySizeLimit.tooLarge(maxBodySize);
            metrics.upstreamFailure(service, "body-too-large");
        } else if (isTimeout(failure)) {
            problem = new Problem(504, "Gateway Timeout", "The " + service + " service did not answer within "
                    + timeoutSeconds + " s; try again, or ask an operator to look at it.");
            metrics.upstreamFailure(service, "timeout");
            LOG.warnf("Request %s: the %s service did not answer within %d s", upstream.requestId(), service,
                    timeoutSeconds);
        } else {
            problem = new Problem(502, "Bad Gateway", "The " + service
                    + " service cannot be reached right now; try again in a few seconds.");
            metrics.upstreamFailure(service, "unreachable");
            LOG.warnf("Request %s: the %s service cannot be reached: %s", upstream.requestId(), service,
                    failure.getMessage());
        }
        if (Problem.hasUnreadBody(upstream)) {
            // the rest of an unread body is not worth receiving
            upstream.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
            upstream.refused();
        }
        return context.request().release().response()
                .setStatusCode(problem.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .setBody(Body.body(problem.toJson(upstream.requestId())));
    }

    private static boolean isTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }
}
