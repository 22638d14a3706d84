package dev.strata.gateway.proxy;

import java.net.URI;

import io.vertx.core.http.HttpClient;
import io.vertx.httpproxy.HttpProxy;

/** One service behind the gateway: its base URL, its pool of keep-alive connections and the proxy that uses it. */
public record Upstream(String name, URI url, HttpClient client, HttpProxy proxy) {

    /** The base path of the service's URL ("" when it has none), prefixed to every forwarded path. */
    String basePath() {
        String path = url.getRawPath();
        return path == null || path.equals("/")
                ? ""
                : (path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
    }
}
