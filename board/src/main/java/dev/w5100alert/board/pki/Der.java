package dev.w5100alert.board.pki;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * The few DER (ITU-T X.690) encodings an X.509 certificate needs, each returning the complete
 * tag-length-value bytes. Only for building demo and test certificates: the board parses certificates with
 * the JDK's {@code CertificateFactory}, never with this.
 */
final class Der {
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private Der() { }

    static byte[] tlv(int tag, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        byte[] b = body.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length + 6);
        out.write(tag);
        int n = b.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n <= 0xFF) {
            out.write(0x81);
            out.write(n);
        } else if (n <= 0xFFFF) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(b);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, parts);
    }

    /** A non-negative INTEGER from big-endian magnitude bytes (a leading zero is added when the top bit is set). */
    static byte[] integer(byte[] magnitude) {
        int i = 0;
        while (i < magnitude.length - 1 && magnitude[i] == 0 && (magnitude[i + 1] & 0x80) == 0) {
            i++;
        }
        byte[] m = java.util.Arrays.copyOfRange(magnitude, i, magnitude.length);
        if ((m[0] & 0x80) != 0) {
            byte[] p = new byte[m.length + 1];
            System.arraycopy(m, 0, p, 1, m.length);
            m = p;
        }
        return tlv(0x02, m);
    }

    static byte[] integer(int v) {
        return integer(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
    }

    static byte[] bool(boolean v) {
        return tlv(0x01, new byte[] {(byte) (v ? 0xFF : 0x00)});
    }

    static byte[] octets(byte[] v) {
        return tlv(0x04, v);
    }

    /** BIT STRING with {@code unusedBits} unused low bits in the last byte. */
    static byte[] bits(int unusedBits, byte[] v) {
        byte[] b = new byte[v.length + 1];
        b[0] = (byte) unusedBits;
        System.arraycopy(v, 0, b, 1, v.length);
        return tlv(0x03, b);
    }

    static byte[] utf8(String s) {
        return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
    }

    /** OBJECT IDENTIFIER from dotted text, e.g. {@code 2.5.4.3}. */
    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeBase128(out, Long.parseLong(arcs[i]));
        }
        return tlv(0x06, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long v) {
        int groups = 1;
        for (long t = v >>> 7; t != 0; t >>>= 7) {
            groups++;
        }
        for (int g = groups - 1; g >= 0; g--) {
            int b = (int) ((v >>> (7 * g)) & 0x7F);
            out.write(g == 0 ? b : b | 0x80);
        }
    }

    /** RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; always UTC, whole seconds. */
    static byte[] time(long epochMillis) {
        ZonedDateTime t = java.time.Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC);
        String body = String.format(java.util.Locale.ROOT, "%02d%02d%02d%02d%02dZ",
                t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond());
        int y = t.getYear();
        if (y >= 1950 && y <= 2049) {
            return tlv(0x17, (String.format(java.util.Locale.ROOT, "%02d", y % 100) + body)
                    .getBytes(StandardCharsets.US_ASCII));
        }
        return tlv(0x18, (String.format(java.util.Locale.ROOT, "%04d", y) + body).getBytes(StandardCharsets.US_ASCII));
    }

    /** Context-specific tag {@code n}: constructed (EXPLICIT wrapper) or primitive (IMPLICIT). */
    static byte[] context(int n, boolean constructed, byte[] content) {
        return tlv((constructed ? 0xA0 : 0x80) | n, content);
    }
}
