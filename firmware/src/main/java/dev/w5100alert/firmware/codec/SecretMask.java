package dev.w5100alert.firmware.codec;

import java.util.Arrays;

/**
 * Overwrites every copy of a secret in text a server sent, before anyone prints or keeps it: the secret as
 * is, and its Base64 form at any alignment inside a longer Base64 run.
 *
 * <p>Why alignment matters: a server that echoes a decoded AUTH PLAIN payload, or re-encodes
 * {@code user:password} together, shows the secret starting at byte 1 or 2 of a 3-byte group, and then its
 * Base64 looks nothing like {@code base64(secret)}. For each of the three offsets the mask holds the Base64
 * characters that depend on secret bytes alone (the characters at either end also carry bits of the
 * neighbours, so they are matched loosely: when a core matches, one adjacent Base64 character on a side
 * where such a shared character exists, and any '=' padding after it, are masked too). Standard and URL-safe
 * alphabets are both covered. Cores shorter than {@link #MIN_BASE64_CORE} characters (secrets of one or
 * two bytes) are not matched, as they would match ordinary words; the plain form always is.
 *
 * <p>All patterns are computed in the constructor; {@link #mask} allocates nothing. Matching is per call, so
 * a secret split between two calls (two reply lines) is not caught: a line break inside a secret is not a
 * copy of it.
 */
public final class SecretMask {

    /** The byte written over a secret. */
    public static final byte MASK = '*';

    /** Shortest Base64 core that is matched. */
    public static final int MIN_BASE64_CORE = 4;

    private static final int MAX_PATTERNS = 64;

    private final byte[][] patterns = new byte[MAX_PATTERNS][];
    private final boolean[] sharedLeft = new boolean[MAX_PATTERNS];
    private final boolean[] sharedRight = new boolean[MAX_PATTERNS];
    private final boolean[] encoded = new boolean[MAX_PATTERNS];
    private int count;

    /** An empty mask: {@link #mask} changes nothing until secrets are added. */
    public SecretMask() {
    }

    /**
     * Adds a secret: its plain bytes (when {@code plainToo}) and its Base64 form at the three alignments.
     * {@code plainToo} is false for values that are not secret by themselves but whose encoding is an AUTH
     * payload (the user name).
     *
     * @return this
     * @throws IllegalStateException when more secrets are added than the mask holds (a programming error)
     */
    public SecretMask add(byte[] secret, boolean plainToo) {
        if (secret == null || secret.length == 0) {
            return this;
        }
        if (plainToo) {
            pattern(secret.clone(), false, false, false);
        }
        for (int a = 0; a < 3; a++) {
            byte[] shifted = new byte[a + secret.length + 2];
            System.arraycopy(secret, 0, shifted, a, secret.length);
            byte[] enc = new byte[Base64.encodedLength(shifted.length)];
            Base64.encode(shifted, 0, shifted.length, enc, 0);
            int firstBit = 8 * a;
            int endBit = 8 * (a + secret.length);
            int first = (firstBit + 5) / 6;   // first character made of secret bits only
            int end = endBit / 6;             // one past the last such character
            if (end - first < MIN_BASE64_CORE) {
                continue;
            }
            byte[] core = Arrays.copyOfRange(enc, first, end);
            boolean left = firstBit % 6 != 0;
            boolean right = endBit % 6 != 0;
            pattern(core, left, right, true);
            byte[] url = core.clone();
            boolean differs = false;
            for (int i = 0; i < url.length; i++) {
                if (url[i] == '+') {
                    url[i] = '-';
                    differs = true;
                } else if (url[i] == '/') {
                    url[i] = '_';
                    differs = true;
                }
            }
            if (differs) {
                pattern(url, left, right, true);
            }
        }
        return this;
    }

    private void pattern(byte[] p, boolean left, boolean right, boolean base64) {
        if (count == MAX_PATTERNS) {
            throw new IllegalStateException("too many secret patterns");
        }
        // Longest first: a whole payload is masked in one piece before a shorter secret inside it breaks it up.
        int at = count;
        while (at > 0 && patterns[at - 1].length < p.length) {
            patterns[at] = patterns[at - 1];
            sharedLeft[at] = sharedLeft[at - 1];
            sharedRight[at] = sharedRight[at - 1];
            encoded[at] = encoded[at - 1];
            at--;
        }
        patterns[at] = p;
        sharedLeft[at] = left;
        sharedRight[at] = right;
        encoded[at] = base64;
        count++;
    }

    /** Whether any secret was added. */
    public boolean isEmpty() {
        return count == 0;
    }

    /**
     * Overwrites every copy of a secret in {@code b[off, off+len)} with {@link #MASK}.
     *
     * @return the number of bytes overwritten
     */
    public int mask(byte[] b, int off, int len) {
        int masked = 0;
        int end = off + len;
        for (int k = 0; k < count; k++) {
            byte[] p = patterns[k];
            int m = p.length;
            byte first = p[0];
            for (int i = off; i + m <= end; i++) {
                if (b[i] != first) {
                    continue;
                }
                int j = 1;
                while (j < m && b[i + j] == p[j]) {
                    j++;
                }
                if (j < m) {
                    continue;
                }
                int from = i;
                int to = i + m;
                if (sharedLeft[k] && from > off && base64(b[from - 1])) {
                    from--;
                }
                if (sharedRight[k] && to < end && base64(b[to])) {
                    to++;
                }
                while (encoded[k] && to < end && b[to] == '=' && to - (i + m) < 3) {
                    to++;
                }
                Arrays.fill(b, from, to, MASK);
                masked += to - from;
                i = to - 1;
            }
        }
        return masked;
    }

    private static boolean base64(byte c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
                || c == '-' || c == '_';
    }
}
