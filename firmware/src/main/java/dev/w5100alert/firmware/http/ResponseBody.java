package dev.w5100alert.firmware.http;

/**
 * A fixed-size byte buffer a page is written into: ASCII text, numbers as ASCII digits, and text escaped for
 * HTML or JSON. Nothing here allocates. Writing past the end sets {@link #overflowed()} and drops the rest,
 * so a page that outgrows the buffer is reported (the responder answers 500) instead of being cut silently.
 */
public final class ResponseBody {

    private final byte[] bytes;
    private int length;
    private boolean overflowed;

    public ResponseBody(int capacity) {
        bytes = new byte[capacity];
    }

    /** Empties the buffer. */
    public void clear() {
        length = 0;
        overflowed = false;
    }

    public int length() {
        return length;
    }

    public byte[] array() {
        return bytes;
    }

    public int capacity() {
        return bytes.length;
    }

    /** True if something did not fit since the last {@link #clear()}. */
    public boolean overflowed() {
        return overflowed;
    }

    /** One byte. */
    public ResponseBody put(int b) {
        if (length < bytes.length) {
            bytes[length++] = (byte) b;
        } else {
            overflowed = true;
        }
        return this;
    }

    /** ASCII text as it is (characters above 0x7E become '?'): for markup and names the code itself writes. */
    public ResponseBody ascii(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            put(c < 0x7F ? c : '?');
        }
        return this;
    }

    /** A decimal number, '-' for negative ones. */
    public ResponseBody number(long v) {
        if (v < 0) {
            put('-');
            if (v == Long.MIN_VALUE) {
                return ascii("9223372036854775808");
            }
            v = -v;
        }
        long div = 1;
        while (v / div >= 10) {
            div *= 10;
        }
        for (; div > 0; div /= 10) {
            put((int) ('0' + (v / div) % 10));
        }
        return this;
    }

    /** {@code v} with at least {@code width} digits, zero-padded (for clock times). */
    public ResponseBody padded(long v, int width) {
        long limit = 1;
        for (int i = 1; i < width; i++) {
            limit *= 10;
            if (v < limit) {
                put('0');
            }
        }
        return number(v);
    }

    /** {@code thousandths / 1000} as a decimal with three places, e.g. 12.345 (Prometheus seconds). */
    public ResponseBody millisAsSeconds(long millis) {
        if (millis < 0) {
            put('-');
            millis = -millis;
        }
        number(millis / 1000);
        put('.');
        return padded(millis % 1000, 3);
    }

    /**
     * Text from outside the code (sensor names, a server's reply) for HTML: {@code < > & " '} escaped,
     * control characters and non-ASCII shown as '?'.
     */
    public ResponseBody html(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> ascii("&lt;");
                case '>' -> ascii("&gt;");
                case '&' -> ascii("&amp;");
                case '"' -> ascii("&quot;");
                case '\'' -> ascii("&#39;");
                default -> put(c >= 0x20 && c < 0x7F ? c : '?');
            }
        }
        return this;
    }

    /** Text for a JSON string (without the quotes): {@code " \ } escaped, control characters as \\u00XX. */
    public ResponseBody json(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                put('\\').put(c);
            } else if (c < 0x20 || c == 0x7F) {
                ascii("\\u00").put(hex(c >> 4)).put(hex(c));
            } else {
                put(c < 0x7F ? c : '?');
            }
        }
        return this;
    }

    /**
     * Text for a Prometheus label value: {@code \ " } and line feed escaped as the text format requires;
     * other control characters and non-ASCII become '?'.
     */
    public ResponseBody label(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> ascii("\\\\");
                case '"' -> ascii("\\\"");
                case '\n' -> ascii("\\n");
                default -> put(c >= 0x20 && c < 0x7F ? c : '?');
            }
        }
        return this;
    }

    private static int hex(int nibble) {
        int d = nibble & 0xF;
        return d < 10 ? '0' + d : 'a' + d - 10;
    }
}
