package dev.w5100alert.firmware.net;

import java.security.SecureRandom;

/**
 * Unpredictable numbers for DHCP transaction IDs, DNS IDs and source ports, SNTP nonces and backoff
 * jitter, without allocating per draw.
 *
 * <p>Every {@link SecureRandom} call allocates (whatever the algorithm), so SecureRandom is used once,
 * at construction, to seed a ChaCha20 keystream generator (RFC 8439 block function) run with "fast key
 * erasure": each block's first 8 words become the next key and only the other 8 are handed out, so a
 * memory dump does not reveal numbers already drawn. 2^32 blocks per nonce, then the nonce's high words
 * move on; nothing is ever reused. Not thread-safe.
 */
public final class RandomSource {

    private final int[] key = new int[8];
    private final int[] nonce = new int[3];
    private final int[] block = new int[16];
    private final int[] work = new int[16];
    private int next = 16;
    private int counter;
    private long blocks;

    private RandomSource(SecureRandom seed) {
        byte[] b = new byte[44];
        seed.nextBytes(b);
        for (int i = 0; i < 8; i++) {
            key[i] = le32(b, 4 * i);
        }
        for (int i = 0; i < 3; i++) {
            nonce[i] = le32(b, 32 + 4 * i);
        }
        java.util.Arrays.fill(b, (byte) 0);
    }

    /** Seeded from a fresh {@link SecureRandom}. */
    public static RandomSource secure() {
        return new RandomSource(new SecureRandom());
    }

    /** Seeded from the given generator (tests pass a seeded SHA1PRNG to replay a run). */
    public static RandomSource of(SecureRandom seed) {
        if (seed == null) {
            throw new IllegalArgumentException("seed source is required");
        }
        return new RandomSource(seed);
    }

    /** 32 unpredictable bits. */
    public int nextInt() {
        if (next == 16) {
            refill();
        }
        int v = block[next];
        block[next++] = 0;
        return v;
    }

    /** Uniform in {@code [0, bound)}, {@code bound} > 0. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive");
        }
        return (int) (((nextInt() & 0xFFFF_FFFFL) * bound) >>> 32);
    }

    /** ChaCha20 blocks computed so far (8 draws each). */
    public long blocks() {
        return blocks;
    }

    private void refill() {
        block(key, counter, nonce, work, block);
        System.arraycopy(block, 0, key, 0, 8); // fast key erasure: the old key is gone
        java.util.Arrays.fill(block, 0, 8, 0);
        next = 8;
        blocks++;
        if (++counter == 0) {
            nonce[0]++;
        }
    }

    /** The ChaCha20 block function (RFC 8439 §2.3): {@code out} = the 16 keystream words for the inputs. */
    static void block(int[] key, int counter, int[] nonce, int[] x, int[] out) {
        out[0] = 0x61707865;
        out[1] = 0x3320646e;
        out[2] = 0x79622d32;
        out[3] = 0x6b206574;
        System.arraycopy(key, 0, out, 4, 8);
        out[12] = counter;
        out[13] = nonce[0];
        out[14] = nonce[1];
        out[15] = nonce[2];
        System.arraycopy(out, 0, x, 0, 16);
        for (int round = 0; round < 10; round++) {
            quarter(x, 0, 4, 8, 12);
            quarter(x, 1, 5, 9, 13);
            quarter(x, 2, 6, 10, 14);
            quarter(x, 3, 7, 11, 15);
            quarter(x, 0, 5, 10, 15);
            quarter(x, 1, 6, 11, 12);
            quarter(x, 2, 7, 8, 13);
            quarter(x, 3, 4, 9, 14);
        }
        for (int i = 0; i < 16; i++) {
            out[i] += x[i];
        }
        java.util.Arrays.fill(x, 0);
    }

    private static void quarter(int[] x, int a, int b, int c, int d) {
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 16);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 12);
        x[a] += x[b];
        x[d] = Integer.rotateLeft(x[d] ^ x[a], 8);
        x[c] += x[d];
        x[b] = Integer.rotateLeft(x[b] ^ x[c], 7);
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
