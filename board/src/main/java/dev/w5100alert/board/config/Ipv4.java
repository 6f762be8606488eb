package dev.w5100alert.board.config;

/**
 * Dotted-quad IPv4 and colon-separated MAC parsing and formatting, strict: ASCII digits only (no
 * Arabic-Indic or fullwidth digits), no signs, no blanks, no leading zeros in an IPv4 octet
 * ({@code 001} could be read as octal by other tools, so it is refused rather than guessed).
 */
public final class Ipv4 {
    private Ipv4() { }

    /** Parses {@code a.b.c.d}; returns null when the text is not exactly that. */
    public static byte[] parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v = parseOctet(parts[i], 10, 3);
            if (v < 0 || (parts[i].length() > 1 && parts[i].charAt(0) == '0')) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** Parses {@code 02:00:00:12:34:56} (or with dashes); returns null otherwise. */
    public static byte[] parseMac(String text) {
        String[] parts = text.split("[:-]", -1);
        if (parts.length != 6) {
            return null;
        }
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                return null;
            }
            int v = parseOctet(parts[i], 16, 2);
            if (v < 0) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static int parseOctet(String s, int radix, int maxLen) {
        if (s.isEmpty() || s.length() > maxLen) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < s.length(); i++) {
            int d = asciiDigit(s.charAt(i), radix);
            if (d < 0) {
                return -1;
            }
            v = v * radix + d;
        }
        return v <= 255 ? v : -1;
    }

    /** The value of an ASCII digit (hex letters of either case for radix 16), or -1. */
    static int asciiDigit(char c, int radix) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (radix == 16 && c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (radix == 16 && c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    public static String format(byte[] ip) {
        return (ip[0] & 0xFF) + "." + (ip[1] & 0xFF) + "." + (ip[2] & 0xFF) + "." + (ip[3] & 0xFF);
    }

    public static String formatMac(byte[] mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < mac.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((mac[i] >> 4) & 0xF, 16)).append(Character.forDigit(mac[i] & 0xF, 16));
        }
        return sb.toString();
    }

    public static int toInt(byte[] ip) {
        return ((ip[0] & 0xFF) << 24) | ((ip[1] & 0xFF) << 16) | ((ip[2] & 0xFF) << 8) | (ip[3] & 0xFF);
    }
}
