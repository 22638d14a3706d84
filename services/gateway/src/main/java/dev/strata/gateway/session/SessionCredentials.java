package dev.strata.gateway.session;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import dev.strata.gateway.problem.Problem;
import dev.strata.gateway.problem.ProblemException;

/**
 * The access token of a request's browser session, restored by quarkus-oidc from the session cookie (refreshed when
 * it has expired), to be forwarded to the service as {@code Authorization: Bearer}.
 */
@ApplicationScoped
public class SessionCredentials {

    private static final Problem SESSION_ENDED = new Problem(Problem.INVALID_TOKEN, 401, "Unauthorized",
            "Your session has ended or is not valid: sign in again at /login.");

    /** Completes on {@code context}; fails with a {@link ProblemException} (401) when there is no usable session. */
    public Future<String> accessToken(RoutingContext ctx, Context context) {
        Uni<SecurityIdentity> deferred = ctx.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        if (deferred == null) {
            return Future.failedFuture(new ProblemException(SESSION_ENDED));
        }
        // a failed session is answered here (401 problem), not by Quarkus' failure handler after the answer
        ctx.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (c, t) -> {
        });
        return Future.fromCompletionStage(deferred.subscribeAsCompletionStage(), context).transform(ar -> {
            if (ar.succeeded() && ar.result() != null && !ar.result().isAnonymous()) {
                AccessTokenCredential token = ar.result().getCredential(AccessTokenCredential.class);
                if (token != null && token.getToken() != null) {
                    return Future.succeededFuture(token.getToken());
                }
            }
            return Future.failedFuture(new ProblemException(SESSION_ENDED));
        });
    }
}
