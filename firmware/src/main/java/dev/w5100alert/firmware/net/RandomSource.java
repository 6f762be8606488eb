package dev.w5100alert.firmware.net;

import java.security.SecureRandom;

/**
 * Unpredictable numbers for DHCP transaction IDs, DNS IDs and source ports, SNTP nonces and backoff
 * jitter. {@link #secure()} draws from {@link SecureRandom} in blocks of {@value #POOL_BYTES} bytes,
 * because every {@code SecureRandom} call allocates: a refill (one call per 1024 draws) is the only
 * allocation, none on the draws in between. Not thread-safe.
 */
public final class RandomSource {

    static final int POOL_BYTES = 4096;

    private final SecureRandom random;
    private final byte[] pool = new byte[POOL_BYTES];
    private int next = POOL_BYTES;
    private long refills;

    private RandomSource(SecureRandom random) {
        this.random = random;
    }

    /** Backed by a fresh {@link SecureRandom}. */
    public static RandomSource secure() {
        return new RandomSource(new SecureRandom());
    }

    /** Backed by the given generator (tests pass a seeded SHA1PRNG to replay a run). */
    public static RandomSource of(SecureRandom random) {
        if (random == null) {
            throw new IllegalArgumentException("random is required");
        }
        return new RandomSource(random);
    }

    /** 32 unpredictable bits. */
    public int nextInt() {
        if (next > POOL_BYTES - 4) {
            random.nextBytes(pool);
            refills++;
            next = 0;
        }
        int v = (pool[next] & 0xFF) << 24 | (pool[next + 1] & 0xFF) << 16 | (pool[next + 2] & 0xFF) << 8
                | (pool[next + 3] & 0xFF);
        // Spent bytes are wiped so a heap dump does not show past IDs next to future ones.
        pool[next] = pool[next + 1] = pool[next + 2] = pool[next + 3] = 0;
        next += 4;
        return v;
    }

    /** Uniform in {@code [0, bound)}, {@code bound} > 0. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        return (int) (((nextInt() & 0xFFFF_FFFFL) * bound) >>> 32);
    }

    /** How many times the pool was refilled from SecureRandom (the only allocating step). */
    public long refills() {
        return refills;
    }
}
