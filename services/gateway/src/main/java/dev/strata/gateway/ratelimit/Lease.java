package dev.strata.gateway.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/** Tokens taken from a Redis bucket ahead of need, spent by this gateway until they run out or expire. */
final class Lease {

    private final AtomicLong remaining;
    private final long expiresAt;

    Lease(long tokens, long expiresAt) {
        this.remaining = new AtomicLong(tokens);
        this.expiresAt = expiresAt;
    }

    boolean isExpired(long now) {
        return now - expiresAt >= 0;
    }

    long remaining(long now) {
        return isExpired(now) ? 0 : Math.max(0, remaining.get());
    }

    /** Takes one token, if one is left and the lease has not expired. */
    boolean tryTake(long now) {
        if (isExpired(now)) {
            return false;
        }
        long left;
        do {
            left = remaining.get();
            if (left <= 0) {
                return false;
            }
        } while (!remaining.compareAndSet(left, left - 1));
        return true;
    }

    void giveBack() {
        remaining.incrementAndGet();
    }
}
