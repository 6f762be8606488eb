package dev.w5100alert.board.outbox;

import java.util.SplittableRandom;

/**
 * Retry delays: exponential from {@code initial}, capped at {@code max}, with "equal jitter" (half
 * the delay fixed, half random) so that boards that failed together do not retry in lockstep.
 * Seeded, so a test sees the same delays every run.
 */
public final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final SplittableRandom random;

    public Backoff(long initialNanos, long maxNanos, long seed) {
        if (initialNanos <= 0 || maxNanos < initialNanos) {
            throw new IllegalArgumentException("need 0 < initial <= max");
        }
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.random = new SplittableRandom(seed);
    }

    /** The un-jittered delay before retry number {@code attempt} (1 = first retry). */
    public long ceiling(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 62);
        long d = initialNanos << shift;
        return (d <= 0 || d > maxNanos || (d >> shift) != initialNanos) ? maxNanos : d;
    }

    /** A delay in {@code [ceiling/2, ceiling]}. */
    public long delay(int attempt) {
        long c = ceiling(attempt);
        long half = c / 2;
        return half + random.nextLong(c - half + 1);
    }
}
