package dev.strata.gateway.ratelimit;

/**
 * One token bucket to take from: its Redis key, and its size and refill rate. {@code kind} names it in metrics and
 * problems ({@code ip}, {@code principal}, {@code login}).
 */
public record Bucket(String kind, String key, long capacity, double refillPerSecond) {

    /** The most tokens a gateway keeps from one bucket between two trips to Redis. */
    static final long MAX_LEASE = 50;

    public Bucket {
        if (capacity < 1 || !(refillPerSecond > 0)) {
            throw new IllegalArgumentException(
                    "a rate-limit bucket needs a capacity of at least 1 and a positive refill"
                            + " rate; got capacity " + capacity + ", refill " + refillPerSecond + " per second for "
                            + kind);
        }
    }

    /**
     * How many tokens to take from Redis at once: a tenth of what the bucket holds or refills in a second (at most
     * {@link #MAX_LEASE}), at least one. Small buckets, such as the login bucket, are therefore exact.
     */
    long leaseSize() {
        double tenth = Math.floor(Math.min(capacity, refillPerSecond) / 10);
        return (long) Math.max(1, Math.min(MAX_LEASE, tenth));
    }
}
