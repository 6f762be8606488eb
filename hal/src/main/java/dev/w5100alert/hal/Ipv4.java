package dev.w5100alert.hal;

/**
 * IPv4 addresses as {@code int} (first octet in the high byte), so the hot paths carry them
 * without allocation. Parsing and formatting are for configuration and messages only.
 */
public final class Ipv4 {
    private Ipv4() {
    }

    /** {@code a.b.c.d} as an int; each part must be 0..255. */
    public static int of(int a, int b, int c, int d) {
        if (((a | b | c | d) & ~0xFF) != 0) {
            throw new IllegalArgumentException("IPv4 octet out of range 0..255: " + a + "." + b + "." + c + "." + d);
        }
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** Parses dotted-quad text such as {@code 192.168.1.10}. */
    public static int parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address (want a.b.c.d): '" + text + "'");
        }
        int value = 0;
        for (String part : parts) {
            int octet;
            try {
                octet = Integer.parseInt(part);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IPv4 address (bad octet '" + part + "'): '" + text + "'");
            }
            if (octet < 0 || octet > 255 || part.isEmpty() || part.length() > 3) {
                throw new IllegalArgumentException("not an IPv4 address (octet out of 0..255): '" + text + "'");
            }
            value = (value << 8) | octet;
        }
        return value;
    }

    /** Dotted-quad text (allocates; not for hot paths). */
    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }
}
