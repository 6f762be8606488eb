package dev.w5100alert.firmware.dns;

/**
 * DNS messages (RFC 1035 §4) over caller arrays: the A-query writer and a checked reply reader.
 *
 * <pre>
 *  0: ID(16) | 2: QR Opcode(4) AA TC RD | RA Z(3) RCODE(4) | 4: QDCOUNT 6: ANCOUNT 8: NSCOUNT 10: ARCOUNT
 * 12: question: QNAME, QTYPE(16), QCLASS(16); then resource records:
 *     NAME, TYPE(16), CLASS(16), TTL(32), RDLENGTH(16), RDATA
 * </pre>
 *
 * <p>Names are kept in wire form (length-prefixed labels, ending in a 0 byte). Every read tests the
 * position against the received length first. Compression pointers are followed only backwards
 * (to an offset below the pointer itself, and past the header), at most {@value #MAX_POINTER_HOPS}
 * times per name, and a name never grows past {@value #MAX_NAME} bytes, so a pointer loop ends in
 * {@link #MALFORMED} instead of a hang. CNAME chains are followed at most {@value #MAX_CNAME_HOPS}
 * links. One instance per resolver; {@link #readReply} allocates nothing.
 */
public final class DnsMessage {

    public static final int PORT = 53;
    public static final int HEADER = 12;
    /** Largest message over UDP without EDNS (RFC 1035 §4.2.1). */
    public static final int MAX_UDP = 512;
    public static final int MAX_NAME = 255;
    public static final int MAX_LABEL = 63;
    public static final int MAX_POINTER_HOPS = 16;
    public static final int MAX_CNAME_HOPS = 8;
    /** Answer records looked at, at most (the rest are ignored). */
    public static final int MAX_RECORDS = 32;

    static final int TYPE_A = 1;
    static final int TYPE_CNAME = 5;
    static final int CLASS_IN = 1;

    /** {@link #readReply} results. */
    public static final int ADDRESS = 0;
    /** Not an answer to our question (ID, QR, opcode, question): ignore it and keep waiting. */
    public static final int MISMATCH = 1;
    /** Broken after the question matched: ask the next server. */
    public static final int MALFORMED = 2;
    public static final int TRUNCATED = 3;
    /** RCODE 3: the name does not exist (final). */
    public static final int NXDOMAIN = 4;
    /** SERVFAIL, REFUSED, NOTIMP, FORMERR or another RCODE: ask the next server. */
    public static final int SERVER_FAILURE = 5;
    /** NOERROR but no A record at the end of the chain (final). */
    public static final int NO_ADDRESS = 6;

    private final byte[] scratch = new byte[MAX_NAME];
    private final byte[] target = new byte[MAX_NAME];
    private final int[] recordName = new int[MAX_RECORDS];
    private final int[] recordType = new int[MAX_RECORDS];
    private final int[] recordData = new int[MAX_RECORDS];
    private final int[] recordLength = new int[MAX_RECORDS];
    private final long[] recordTtl = new long[MAX_RECORDS];
    private int nameLength;
    private int address;
    private long ttl;
    private int rcode;

    /** Address found by the last {@link #readReply} that returned {@link #ADDRESS}. */
    public int address() {
        return address;
    }

    /** Smallest TTL along the answer chain, seconds. */
    public long ttl() {
        return ttl;
    }

    /** RCODE of the last reply read past its question. */
    public int rcode() {
        return rcode;
    }

    /**
     * Encodes a host name ({@code a.b.c}, optional final dot) as a wire name into {@code dst}.
     * Letters, digits, '-' and '_' only; labels 1..63; whole name at most 255 bytes; the last label not
     * all digits (RFC 1123 §2.1: so a mistyped address such as {@code 300.1.1.1} is not sent as a name).
     *
     * @return wire length, or -1 if the text is not such a name
     */
    public static int encodeName(CharSequence text, byte[] dst) {
        int n = text.length();
        if (n > 0 && text.charAt(n - 1) == '.') {
            n--;
        }
        if (n == 0 || n + 2 > MAX_NAME || dst.length < n + 2) {
            return -1;
        }
        int lengthAt = 0;
        int out = 1;
        boolean digitsOnly = true;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : '.';
            if (c == '.') {
                int label = out - lengthAt - 1;
                if (label < 1 || label > MAX_LABEL || (i == n && digitsOnly)) {
                    return -1;
                }
                dst[lengthAt] = (byte) label;
                lengthAt = out;
                out++;
                digitsOnly = true;
            } else if (c >= '0' && c <= '9') {
                dst[out++] = (byte) c;
            } else if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
                dst[out++] = (byte) c;
                digitsOnly = false;
            } else {
                return -1;
            }
        }
        dst[lengthAt] = 0;
        return out;
    }

    /** Writes a recursive A/IN query for {@code name[0, nameLen)} with {@code id}; returns its length. */
    public static int writeQuery(byte[] dst, int id, byte[] name, int nameLen) {
        if (HEADER + nameLen + 4 > dst.length) {
            throw new IllegalArgumentException("query does not fit");
        }
        dst[0] = (byte) (id >>> 8);
        dst[1] = (byte) id;
        dst[2] = 0x01; // RD
        dst[3] = 0;
        dst[4] = 0;
        dst[5] = 1; // QDCOUNT
        for (int k = 6; k < HEADER; k++) {
            dst[k] = 0;
        }
        System.arraycopy(name, 0, dst, HEADER, nameLen);
        int p = HEADER + nameLen;
        dst[p] = 0;
        dst[p + 1] = TYPE_A;
        dst[p + 2] = 0;
        dst[p + 3] = CLASS_IN;
        return p + 4;
    }

    /**
     * Reads a reply to the query {@code id} for {@code name[0, nameLen)}; on {@link #ADDRESS} see
     * {@link #address()} and {@link #ttl()}. Reads only {@code msg[0, len)}.
     */
    public int readReply(byte[] msg, int len, int id, byte[] name, int nameLen) {
        if (len < HEADER || len > msg.length) {
            return MISMATCH;
        }
        if (u16(msg, 0) != id) {
            return MISMATCH;
        }
        int flags = u16(msg, 2);
        if ((flags & 0x8000) == 0 || (flags & 0x7800) != 0) {
            return MISMATCH; // not a response, or not a standard query
        }
        if (u16(msg, 4) != 1) {
            return MISMATCH;
        }
        int p = readName(msg, len, HEADER, scratch);
        if (p < 0 || p + 4 > len || !sameName(scratch, nameLength, name, nameLen)
                || u16(msg, p) != TYPE_A || u16(msg, p + 2) != CLASS_IN) {
            return MISMATCH;
        }
        p += 4;
        rcode = flags & 0x0F;
        if ((flags & 0x0200) != 0) {
            return TRUNCATED;
        }
        if (rcode == 3) {
            return NXDOMAIN;
        }
        if (rcode != 0) {
            return SERVER_FAILURE;
        }
        int answers = Math.min(u16(msg, 6), MAX_RECORDS);
        for (int i = 0; i < answers; i++) {
            int start = p;
            p = readName(msg, len, p, scratch);
            if (p < 0 || p + 10 > len) {
                return MALFORMED;
            }
            int rdLength = u16(msg, p + 8);
            if (p + 10 + rdLength > len) {
                return MALFORMED;
            }
            recordName[i] = start;
            recordType[i] = u16(msg, p + 2) == CLASS_IN ? u16(msg, p) : -1;
            recordTtl[i] = u32(msg, p + 4);
            recordData[i] = p + 10;
            recordLength[i] = rdLength;
            p += 10 + rdLength;
        }
        System.arraycopy(name, 0, target, 0, nameLen);
        int targetLength = nameLen;
        long minTtl = 0x7FFF_FFFFL;
        for (int hop = 0; hop <= MAX_CNAME_HOPS; hop++) {
            int cname = -1;
            for (int i = 0; i < answers; i++) {
                if (recordType[i] != TYPE_A && recordType[i] != TYPE_CNAME) {
                    continue;
                }
                if (readName(msg, len, recordName[i], scratch) < 0 || !sameName(scratch, nameLength, target, targetLength)) {
                    continue;
                }
                if (recordType[i] == TYPE_A && recordLength[i] == 4) {
                    address = (int) u32(msg, recordData[i]);
                    ttl = Math.min(minTtl, recordTtl[i] > 0x7FFF_FFFFL ? 0 : recordTtl[i]);
                    return ADDRESS;
                }
                if (recordType[i] == TYPE_CNAME && cname < 0) {
                    cname = i;
                }
            }
            if (cname < 0) {
                return NO_ADDRESS;
            }
            int end = readName(msg, len, recordData[cname], target);
            if (end < 0 || end > recordData[cname] + recordLength[cname]) {
                return MALFORMED;
            }
            targetLength = nameLength;
            minTtl = Math.min(minTtl, recordTtl[cname] > 0x7FFF_FFFFL ? 0 : recordTtl[cname]);
        }
        return NO_ADDRESS; // chain longer than we follow
    }

    /**
     * Decompresses the name at {@code at} into {@code dst} (wire form, length in {@link #nameLength}).
     *
     * @return offset just after the name where it started, or -1 if it is malformed
     */
    int readName(byte[] msg, int len, int at, byte[] dst) {
        int pos = at;
        int end = -1;
        int hops = 0;
        int out = 0;
        while (true) {
            if (pos < 0 || pos >= len) {
                return -1;
            }
            int c = msg[pos] & 0xFF;
            if ((c & 0xC0) == 0xC0) {
                if (pos + 1 >= len || ++hops > MAX_POINTER_HOPS) {
                    return -1;
                }
                int pointer = (c & 0x3F) << 8 | (msg[pos + 1] & 0xFF);
                if (pointer >= pos || pointer < HEADER) {
                    return -1; // only backwards, never into the header
                }
                if (end < 0) {
                    end = pos + 2;
                }
                pos = pointer;
            } else if ((c & 0xC0) != 0) {
                return -1; // extended label types (RFC 6891 / obsolete) are not names we follow
            } else if (c == 0) {
                if (out + 1 > MAX_NAME) {
                    return -1;
                }
                dst[out++] = 0;
                nameLength = out;
                return end < 0 ? pos + 1 : end;
            } else {
                if (pos + 1 + c > len || out + 1 + c + 1 > MAX_NAME) {
                    return -1;
                }
                dst[out++] = (byte) c;
                System.arraycopy(msg, pos + 1, dst, out, c);
                out += c;
                pos += 1 + c;
            }
        }
    }

    /** Length of the name last decompressed by {@link #readName}. */
    int nameLength() {
        return nameLength;
    }

    /** Wire names equal, ASCII case folded (RFC 1035 §2.3.3); length bytes are below 'A' so fold safely. */
    static boolean sameName(byte[] a, int aLen, byte[] b, int bLen) {
        if (aLen != bLen) {
            return false;
        }
        for (int i = 0; i < aLen; i++) {
            int x = a[i];
            int y = b[i];
            if (x >= 'A' && x <= 'Z') {
                x += 32;
            }
            if (y >= 'A' && y <= 'Z') {
                y += 32;
            }
            if (x != y) {
                return false;
            }
        }
        return true;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | (b[at + 3] & 0xFFL);
    }
}
