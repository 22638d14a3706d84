package dev.strata.gateway.proxy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;

import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.config.ServicesConfig;

/**
 * The configured services ({@code strata.services.<name>.url}), each with one shared {@link HttpClient}: a pool of
 * {@code strata.gateway.pool-size} keep-alive connections, used by a vertx-http-proxy {@link HttpProxy}.
 */
@ApplicationScoped
public class Upstreams {

    private static final Logger LOG = Logger.getLogger(Upstreams.class);
    static final int MAX_CHUNK_SIZE = 64 * 1024;

    private final Map<String, Upstream> byName = new ConcurrentHashMap<>();

    Upstreams(Vertx vertx, ServicesConfig services, GatewayConfig config, ForwardingInterceptor interceptor) {
        services.upstreams().forEach((name, url) -> url.ifPresent(u -> byName.put(name, create(vertx, name, u, config,
                interceptor))));
        LOG.infof("Routing to %s", byName.isEmpty()
                ? "no service (none configured)"
                : String.join(", ", byName.keySet().stream().sorted().toList()));
    }

    public Optional<Upstream> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    @PreDestroy
    void close() {
        byName.values().forEach(upstream -> upstream.client().close());
    }

    private static Upstream create(Vertx vertx, String name, URI url, GatewayConfig config,
            ForwardingInterceptor interceptor) {
        boolean ssl = "https".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : (ssl ? 443 : 80);
        String host = url.getHost();
        HttpClient client = vertx.createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setPipelining(false)
                .setSsl(ssl)
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setDecompressionSupported(false)
                // a streamed answer (a CSV export) passes in pieces of up to 64 KiB, not Netty's 8 KiB: 8× fewer
                // writes (and syscalls) to the caller for the same bytes; held per connection only while it passes
                .setMaxChunkSize(MAX_CHUNK_SIZE)
                .setName("strata-gateway-" + name),
                new PoolOptions().setHttp1MaxSize(config.poolSize()));
        RequestOptions origin = new RequestOptions().setHost(host).setPort(port).setSsl(ssl);
        // WebSocket upgrades would bypass the interceptor (path rewrite, limits): not proxied until a service needs them
        HttpProxy proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
                .origin(context -> context.client().request(origin)
                        .onSuccess(request -> ((UpstreamRequest) context.request().proxiedRequest()).sending(request)))
                .addInterceptor(interceptor);
        return new Upstream(name, url, client, proxy);
    }
}
