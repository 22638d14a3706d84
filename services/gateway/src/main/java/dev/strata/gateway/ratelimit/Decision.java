package dev.strata.gateway.ratelimit;

/**
 * What the buckets said: go ahead, or wait {@code retryAfterSeconds} because of the {@code bucket} bucket ({@code ip},
 * {@code principal} or {@code login}); then nothing was taken.
 */
public record Decision(boolean allowed, long retryAfterSeconds, String bucket) {

    public static final Decision ALLOWED = new Decision(true, 0, null);

    public static Decision retryAfter(long seconds, String bucket) {
        return new Decision(false, Math.max(1, seconds), bucket);
    }
}
