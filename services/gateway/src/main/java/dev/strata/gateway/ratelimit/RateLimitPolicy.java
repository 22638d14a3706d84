package dev.strata.gateway.ratelimit;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

import dev.strata.gateway.config.GatewayConfig;
import dev.strata.gateway.headers.ClientAddress;

/**
 * Which buckets a request takes from: always its client address; its principal when it carries one; and the stricter
 * login bucket of its client address when it is a login attempt (a POST to the issuer's authorize or token endpoint).
 */
@ApplicationScoped
public class RateLimitPolicy {

    private static final String PREFIX = "strata:gateway:rl:";

    private final boolean enabled;
    private final GatewayConfig.Bucket perIp;
    private final GatewayConfig.Bucket perPrincipal;
    private final GatewayConfig.Bucket login;
    private final ClientAddress client;

    RateLimitPolicy(GatewayConfig config, ClientAddress client) {
        this.enabled = config.rateLimit().enabled();
        this.perIp = config.rateLimit().perIp();
        this.perPrincipal = config.rateLimit().perPrincipal();
        this.login = config.rateLimit().login();
        this.client = client;
        // fail at start, not on the first request, when a bucket is misconfigured
        new Bucket("ip", "", perIp.capacity(), perIp.refillPerSecond());
        new Bucket("principal", "", perPrincipal.capacity(), perPrincipal.refillPerSecond());
        new Bucket("login", "", login.capacity(), login.refillPerSecond());
    }

    /**
     * @param principal a stable key of the caller's credentials (never the credentials themselves), or null
     * @param path the normalized request path
     */
    public List<Bucket> bucketsFor(HttpServerRequest request, String path, String principal) {
        if (!enabled) {
            return List.of();
        }
        String ip = client.ip(request);
        List<Bucket> buckets = new ArrayList<>(3);
        buckets.add(new Bucket("ip", PREFIX + "ip:" + ip, perIp.capacity(), perIp.refillPerSecond()));
        if (principal != null) {
            buckets.add(new Bucket("principal", PREFIX + "principal:" + principal, perPrincipal.capacity(),
                    perPrincipal.refillPerSecond()));
        }
        if (isLoginAttempt(request.method(), path)) {
            buckets.add(new Bucket("login", PREFIX + "login:" + ip, login.capacity(), login.refillPerSecond()));
        }
        return buckets;
    }

    static boolean isLoginAttempt(HttpMethod method, String path) {
        return method == HttpMethod.POST && (path.equals("/oauth2/authorize") || path.equals("/oauth2/token"));
    }
}
