package dev.w5100alert.firmware.codec;

/** ASCII numbers written straight into byte buffers, without strings or boxing. */
public final class Ascii {

    private Ascii() {
    }

    /** Decimal digits of a non-negative value. */
    public static int digits(long value) {
        int n = 1;
        while (value >= 10) {
            value /= 10;
            n++;
        }
        return n;
    }

    /** Writes a non-negative value in exactly {@code digits} digits (zero-padded); returns the end offset. */
    public static int putLong(byte[] dst, int off, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            dst[off + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return off + digits;
    }

    /** Writes a non-negative value in as many digits as it needs; returns the end offset. */
    public static int putLong(byte[] dst, int off, long value) {
        return putLong(dst, off, value, digits(value));
    }

    /** Writes {@code value} as {@code digits} lower-case hex digits; returns the end offset. */
    public static int putHex(byte[] dst, int off, long value, int digits) {
        for (int i = digits - 1; i >= 0; i--) {
            int v = (int) (value & 0xF);
            dst[off + i] = (byte) (v < 10 ? '0' + v : 'a' + v - 10);
            value >>>= 4;
        }
        return off + digits;
    }

    /** Writes ASCII text (chars must be below 0x80); returns the end offset. */
    public static int putAscii(byte[] dst, int off, CharSequence s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            dst[off + i] = (byte) s.charAt(i);
        }
        return off + n;
    }

    /** Case-insensitive comparison of an ASCII keyword with bytes. */
    public static boolean equalsIgnoreCase(byte[] b, int off, int len, String keyword) {
        if (len != keyword.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (upper(b[off + i]) != upper((byte) keyword.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    static byte upper(byte c) {
        return c >= 'a' && c <= 'z' ? (byte) (c - 32) : c;
    }
}
