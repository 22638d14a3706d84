package dev.strata.notifier.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waits for a condition that the system reaches on its own (a consumed event, a retried delivery). */
public final class Await {

    private static final Duration LIMIT = Duration.ofSeconds(90);

    private Await() {
    }

    public static <T> T until(String what, Supplier<T> probe, Predicate<T> done) {
        Instant deadline = Instant.now().plus(LIMIT);
        T last = null;
        while (Instant.now().isBefore(deadline)) {
            last = probe.get();
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
        throw new AssertionError("gave up waiting for " + what + "; last seen: " + last);
    }
}
