package dev.w5100alert.firmware.ntp;

/**
 * SNTP v4 message (RFC 4330 §4) as a checked view over a caller's array, plus the request writer.
 *
 * <pre>
 *  0: LI(2) VN(3) Mode(3) | 1: Stratum | 2: Poll | 3: Precision
 *  4: Root Delay (32)   8: Root Dispersion (32)   12: Reference ID (32)
 * 16: Reference Timestamp (64)   24: Originate Timestamp (64)
 * 32: Receive Timestamp (64)     40: Transmit Timestamp (64)     48: optional key/digest
 * </pre>
 *
 * Timestamps are NTP 64-bit fixed point (seconds since 1900 in the high 32 bits, era-relative).
 * {@link #check} reads only {@code [0, 48)} and only after testing the length. Allocation-free.
 */
public final class SntpPacket {

    public static final int LENGTH = 48;
    public static final int PORT = 123;

    /** {@link #check} results. */
    public static final int OK = 0;
    public static final int TOO_SHORT = 1;
    public static final int NOT_SERVER_MODE = 2;
    public static final int BAD_VERSION = 3;
    public static final int UNSYNCHRONISED = 4;
    public static final int KISS_OF_DEATH = 5;
    public static final int BAD_STRATUM = 6;
    public static final int ORIGINATE_MISMATCH = 7;
    public static final int ZERO_TIMESTAMP = 8;

    /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
    public static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;

    private byte[] b;
    private int len;

    private SntpPacket() {
    }

    /** A reusable view. */
    public static SntpPacket view() {
        return new SntpPacket();
    }

    public SntpPacket wrap(byte[] buffer, int length) {
        if (length < 0 || length > buffer.length) {
            throw new IllegalArgumentException("length outside buffer");
        }
        this.b = buffer;
        this.len = length;
        return this;
    }

    /**
     * Checks a reply against the request whose transmit timestamp was {@code sentTransmit}: length,
     * mode 4, version 3..4, leap indicator not 3, stratum 1..15 (0 is a kiss-o'-death), originate
     * timestamp equal to what we sent, receive and transmit timestamps not zero.
     */
    public int check(long sentTransmit) {
        if (len < LENGTH) {
            return TOO_SHORT;
        }
        int first = b[0] & 0xFF;
        if ((first & 7) != 4) {
            return NOT_SERVER_MODE;
        }
        int version = (first >>> 3) & 7;
        if (version < 3 || version > 4) {
            return BAD_VERSION;
        }
        int stratum = b[1] & 0xFF;
        if (stratum == 0) {
            return KISS_OF_DEATH;
        }
        if ((first >>> 6) == 3) {
            return UNSYNCHRONISED;
        }
        if (stratum > 15) {
            return BAD_STRATUM;
        }
        if (timestamp(24) != sentTransmit) {
            return ORIGINATE_MISMATCH;
        }
        if (timestamp(32) == 0 || timestamp(40) == 0) {
            return ZERO_TIMESTAMP;
        }
        return OK;
    }

    public int stratum() {
        return b[1] & 0xFF;
    }

    /** Reference ID as 32 bits; for a kiss-o'-death the ASCII code (e.g. "RATE", "DENY"). */
    public int referenceId() {
        return (int) (read32(12));
    }

    public long originate() {
        return timestamp(24);
    }

    public long receive() {
        return timestamp(32);
    }

    public long transmit() {
        return timestamp(40);
    }

    private long timestamp(int at) {
        return read32(at) << 32 | read32(at + 4);
    }

    private long read32(int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | (b[at + 3] & 0xFFL);
    }

    /** Writes a client request (LI 0, VN 4, mode 3) with {@code transmit} into {@code dst[0, 48)}. */
    public static int writeRequest(byte[] dst, long transmit) {
        java.util.Arrays.fill(dst, 0, LENGTH, (byte) 0);
        dst[0] = 0x23; // LI 0, VN 4, mode 3 (client)
        for (int k = 0; k < 8; k++) {
            dst[40 + k] = (byte) (transmit >>> (56 - 8 * k));
        }
        return LENGTH;
    }

    /**
     * Unix milliseconds as an NTP timestamp, modulo 2^64: era 1 (from 2036-02-07) wraps to small
     * seconds values, which is what a server in era 1 sends too, so differences stay right.
     */
    public static long fromUnixMillis(long millis) {
        long seconds = Math.floorDiv(millis, 1000L) + NTP_TO_UNIX_SECONDS;
        long frac = (Math.floorMod(millis, 1000L) << 32) / 1000L;
        return seconds << 32 | frac;
    }

    /**
     * A signed NTP duration (64-bit fixed point, 2^-32 s units) in milliseconds, to the nearest.
     */
    public static long durationMillis(long fixed) {
        long seconds = fixed >> 32;
        long frac = fixed & 0xFFFF_FFFFL;
        return seconds * 1000L + ((frac * 1000L + (1L << 31)) >>> 32);
    }

    /** Clock offset θ = ((T2 − T1) + (T3 − T4)) / 2 in 2^-32 s, wrap-safe within ±68 years. */
    public static long offset(long t1, long t2, long t3, long t4) {
        return ((t2 - t1) >> 1) + ((t3 - t4) >> 1);
    }

    /** Round-trip delay δ = (T4 − T1) − (T3 − T2) in 2^-32 s. */
    public static long delay(long t1, long t2, long t3, long t4) {
        return (t4 - t1) - (t3 - t2);
    }
}
