package dev.w5100alert.firmware.codec;

/**
 * Base64 (RFC 4648 section 4, standard alphabet, '=' padding) written into caller-provided buffers.
 *
 * <p>Used for AUTH PLAIN/LOGIN payloads, the 334 prompts of AUTH LOGIN, RFC 2047 "B" encoded-words and
 * MIME base64 parts. Allocation-free: every method works on arrays the caller owns and never allocates.
 * Callers size the destination with {@link #encodedLength(int)} / {@link #maxDecodedLength(int)}; a
 * destination that is too small is reported with an {@link IndexOutOfBoundsException} before anything
 * is written.
 */
public final class Base64 {

    private static final byte[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);

    /** Value of each ASCII byte in the alphabet, -1 when it is not part of it. */
    private static final byte[] VALUES = new byte[128];

    /** Returned by {@link #decode} when the input is not valid base64. */
    public static final int INVALID = -1;

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        for (int i = 0; i < ALPHABET.length; i++) {
            VALUES[ALPHABET[i]] = (byte) i;
        }
    }

    private Base64() {
    }

    /** Number of characters {@code n} input bytes encode to, padding included. */
    public static int encodedLength(int n) {
        return ((n + 2) / 3) * 4;
    }

    /** Upper bound of the bytes {@code n} base64 characters decode to. */
    public static int maxDecodedLength(int n) {
        return (n / 4) * 3 + 3;
    }

    /**
     * Encodes {@code src[off, off+len)} into {@code dst} starting at {@code dstOff}.
     *
     * @return the number of characters written ({@link #encodedLength(int)} of {@code len})
     */
    public static int encode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        int out = encodedLength(len);
        if (off < 0 || len < 0 || off + len > src.length || dstOff < 0 || dstOff + out > dst.length) {
            throw new IndexOutOfBoundsException("base64 encode: source or destination range out of bounds");
        }
        int s = off;
        int d = dstOff;
        int end = off + len - len % 3;
        while (s < end) {
            int v = (src[s] & 0xFF) << 16 | (src[s + 1] & 0xFF) << 8 | (src[s + 2] & 0xFF);
            dst[d] = ALPHABET[v >>> 18];
            dst[d + 1] = ALPHABET[(v >>> 12) & 0x3F];
            dst[d + 2] = ALPHABET[(v >>> 6) & 0x3F];
            dst[d + 3] = ALPHABET[v & 0x3F];
            s += 3;
            d += 4;
        }
        int rest = len % 3;
        if (rest == 1) {
            int v = (src[s] & 0xFF) << 16;
            dst[d] = ALPHABET[v >>> 18];
            dst[d + 1] = ALPHABET[(v >>> 12) & 0x3F];
            dst[d + 2] = '=';
            dst[d + 3] = '=';
        } else if (rest == 2) {
            int v = (src[s] & 0xFF) << 16 | (src[s + 1] & 0xFF) << 8;
            dst[d] = ALPHABET[v >>> 18];
            dst[d + 1] = ALPHABET[(v >>> 12) & 0x3F];
            dst[d + 2] = ALPHABET[(v >>> 6) & 0x3F];
            dst[d + 3] = '=';
        }
        return out;
    }

    /**
     * Decodes {@code src[off, off+len)} into {@code dst} starting at {@code dstOff}. The input must be
     * canonical padded base64 (length a multiple of 4, '=' only at the end, no whitespace).
     *
     * @return the number of bytes written, or {@link #INVALID} when the input is not valid base64
     *         (nothing meaningful is left in {@code dst} then)
     */
    public static int decode(byte[] src, int off, int len, byte[] dst, int dstOff) {
        if (off < 0 || len < 0 || off + len > src.length || dstOff < 0) {
            throw new IndexOutOfBoundsException("base64 decode: source range out of bounds");
        }
        if (len % 4 != 0) {
            return INVALID;
        }
        int pad = 0;
        if (len > 0 && src[off + len - 1] == '=') {
            pad++;
            if (src[off + len - 2] == '=') {
                pad++;
            }
        }
        int out = len / 4 * 3 - pad;
        if (dstOff + out > dst.length) {
            throw new IndexOutOfBoundsException("base64 decode: destination too small");
        }
        int d = dstOff;
        int end = off + len;
        for (int s = off; s < end; s += 4) {
            boolean last = s + 4 == end;
            int a = value(src[s]);
            int b = value(src[s + 1]);
            int c = last && pad == 2 ? 0 : value(src[s + 2]);
            int e = last && pad >= 1 ? 0 : value(src[s + 3]);
            if ((a | b | c | e) < 0) {
                return INVALID;
            }
            int v = a << 18 | b << 12 | c << 6 | e;
            dst[d++] = (byte) (v >>> 16);
            if (!last || pad < 2) {
                dst[d++] = (byte) (v >>> 8);
            } else if ((v & 0xFFFF) != 0) {
                return INVALID; // non-canonical: padding bits set
            }
            if (!last || pad < 1) {
                dst[d++] = (byte) v;
            } else if (pad == 1 && (v & 0xFF) != 0) {
                return INVALID;
            }
        }
        return out;
    }

    private static int value(byte b) {
        return b < 0 ? -1 : VALUES[b];
    }
}
