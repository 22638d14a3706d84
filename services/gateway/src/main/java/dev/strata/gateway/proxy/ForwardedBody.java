package dev.strata.gateway.proxy;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;

/**
 * A request body on its way to a service, passed through as it streams. It fails once more than {@code limit} bytes
 * have come (the upload to the service is then reset and the caller gets 413), and says when it has been sent
 * completely (from then on the service's silence counts towards the upstream timeout).
 */
final class ForwardedBody implements ReadStream<Buffer> {

    private final ReadStream<Buffer> source;
    private final long limit;
    private final Runnable onExceeded;
    private final Runnable onEnd;
    private long received;
    private boolean failed;
    private Handler<Throwable> exceptionHandler;

    ForwardedBody(ReadStream<Buffer> source, long limit, Runnable onExceeded, Runnable onEnd) {
        this.source = source;
        this.limit = limit;
        this.onExceeded = onExceeded;
        this.onEnd = onEnd;
    }

    @Override
    public ReadStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        this.exceptionHandler = handler;
        source.exceptionHandler(handler);
        return this;
    }

    @Override
    public ReadStream<Buffer> handler(Handler<Buffer> handler) {
        if (handler == null) {
            source.handler(null);
            return this;
        }
        source.handler(buffer -> {
            if (failed) {
                return;
            }
            received += buffer.length();
            if (received > limit) {
                failed = true;
                onExceeded.run();
                source.handler(null);
                Handler<Throwable> failure = exceptionHandler;
                if (failure != null) {
                    failure.handle(new IllegalStateException("request body larger than " + limit + " bytes"));
                }
                return;
            }
            handler.handle(buffer);
        });
        return this;
    }

    @Override
    public ReadStream<Buffer> pause() {
        source.pause();
        return this;
    }

    @Override
    public ReadStream<Buffer> resume() {
        source.resume();
        return this;
    }

    @Override
    public ReadStream<Buffer> fetch(long amount) {
        source.fetch(amount);
        return this;
    }

    @Override
    public ReadStream<Buffer> endHandler(Handler<Void> endHandler) {
        source.endHandler(endHandler == null ? null : v -> {
            if (!failed) {
                onEnd.run();
                endHandler.handle(v);
            }
        });
        return this;
    }
}
