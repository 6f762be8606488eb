package dev.w5100alert.board.outbox;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The outbox file format, and the scanner that reads it back after any damage. See {@link Outbox} for the
 * layout. Pure functions over bytes: the service's recovery and the read-only {@code outbox list} share them.
 *
 * <p><b>Re-finding records.</b> Every version 2 record starts with a 4-byte magic and carries a CRC32C over
 * its length field and payload. Reading goes record by record; where a record does not check out, the
 * scanner moves on byte by byte until the next position where a whole record checks out. So damage in the
 * middle costs the damaged records only. Each record also carries a serial number (one more than the record
 * before it), so the number of records lost in a damaged stretch is known exactly when a good record
 * follows it.
 */
final class Journal {
    private Journal() { }

    static final int HEADER_BYTES = 8;
    static final int VERSION_1 = 1;
    static final int VERSION = 2;
    static final int RECORD_MAGIC = 0x57354F52; // "W5OR"
    /** magic u32 | length u32 | CRC32C u32 */
    static final int FRAME = 12;
    /** type u8 | id u64 | serial u32 */
    static final int PAYLOAD_HEAD = 13;
    /** Version 1: length u32 | CRC32C u32, payload type u8 | id u64. */
    static final int FRAME_V1 = 8;
    static final int PAYLOAD_HEAD_V1 = 9;
    static final int MAX_PAYLOAD = Outbox.MAX_RECORD_BYTES;

    static final byte ACCEPTED = 1;
    static final byte DELIVERED = 2;
    static final byte FAILED = 3;
    static final byte SEQUENCE = 4;
    static final byte ATTEMPT = 5;
    static final byte RETRY = 6;

    /** One record that checked out: its type, alert id, serial, and where its body lies in {@link #buf}. */
    record Rec(byte type, long id, long serial, byte[] buf, int bodyOff, int bodyLen) { }

    /** What a scan found. */
    static final class Parsed {
        int version;
        boolean headerDamaged;
        /** No header and no record of either version: not an outbox file. */
        boolean foreign;
        final List<Rec> records = new ArrayList<>();
        /** Stretches of bytes that were not whole records, the torn tail not included. */
        int damagedRegions;
        /** Records lost in those stretches (exact when a good record follows, else at least 1 per stretch). */
        long damagedRecords;
        long damagedBytes;
        /** A last record cut short (the append a power cut interrupted); it was never accepted. */
        long tornTailBytes;
        /** End of the last good record (where a torn tail starts). */
        long goodEnd;

        boolean clean() {
            return !headerDamaged && damagedRegions == 0 && tornTailBytes == 0 && version == VERSION;
        }
    }

    static byte[] header(int version) {
        byte[] h = {'W', '5', 'O', 'B', 0, 0, 0, 0};
        putInt(h, 4, version);
        return h;
    }

    static int recordSize(int bodyLen) {
        return FRAME + PAYLOAD_HEAD + bodyLen;
    }

    /** Writes one version 2 record at {@code off}; returns the end offset. */
    static int record(byte[] dst, int off, byte type, long id, long serial, byte[] body) {
        int len = PAYLOAD_HEAD + body.length;
        putInt(dst, off, RECORD_MAGIC);
        putInt(dst, off + 4, len);
        dst[off + FRAME] = type;
        putLong(dst, off + FRAME + 1, id);
        putInt(dst, off + FRAME + 9, (int) serial);
        System.arraycopy(body, 0, dst, off + FRAME + PAYLOAD_HEAD, body.length);
        putInt(dst, off + 8, crc(dst, off + 4, 4, off + FRAME, len));
        return off + FRAME + len;
    }

    static byte[] record(byte type, long id, long serial, byte[] body) {
        byte[] out = new byte[recordSize(body.length)];
        record(out, 0, type, id, serial, body);
        return out;
    }

    /** Reads a whole file image. Never throws for any content. */
    static Parsed parse(byte[] f) {
        Parsed p = new Parsed();
        int n = f.length;
        boolean magicOk = n >= 4 && f[0] == 'W' && f[1] == '5' && f[2] == 'O' && f[3] == 'B';
        int version = n >= HEADER_BYTES && magicOk ? getInt(f, 4) : -1;
        if (version == VERSION || version == VERSION_1) {
            p.version = version;
            scan(f, p, version);
            if (p.damagedRegions == 0 && !p.records.isEmpty()) {
                return p;
            }
            // A damaged version field can name the other version: read it both ways, keep what finds more.
            Parsed other = new Parsed();
            other.version = version == VERSION ? VERSION_1 : VERSION;
            scan(f, other, other.version);
            if (other.records.size() > p.records.size()) {
                other.headerDamaged = true;
                return other;
            }
            return p;
        }
        if (n < HEADER_BYTES && isHeaderPrefix(f)) {
            p.version = VERSION; // torn while being created: nothing was ever accepted
            p.tornTailBytes = n;
            return p;
        }
        p.headerDamaged = true;
        p.version = VERSION;
        scan(f, p, VERSION);
        if (p.records.isEmpty()) {
            Parsed v1 = new Parsed();
            v1.headerDamaged = true;
            v1.version = VERSION_1;
            scan(f, v1, VERSION_1);
            if (!v1.records.isEmpty()) {
                return v1;
            }
            p.foreign = true;
        }
        return p;
    }

    private static void scan(byte[] f, Parsed p, int version) {
        int n = f.length;
        int pos = Math.min(HEADER_BYTES, n);
        p.goodEnd = pos;
        int damageStart = -1;
        long lastSerial = -1;
        long magicsInDamage = 0;
        while (pos < n) {
            int end = version == VERSION ? checkV2(f, pos) : checkV1(f, pos);
            if (end > 0) {
                Rec r = version == VERSION
                        ? new Rec(f[pos + FRAME], getLong(f, pos + FRAME + 1), getInt(f, pos + FRAME + 9) & 0xFFFFFFFFL,
                                f, pos + FRAME + PAYLOAD_HEAD, end - pos - FRAME - PAYLOAD_HEAD)
                        : new Rec(f[pos + FRAME_V1], getLong(f, pos + FRAME_V1 + 1), -1,
                                f, pos + FRAME_V1 + PAYLOAD_HEAD_V1, end - pos - FRAME_V1 - PAYLOAD_HEAD_V1);
                if (damageStart >= 0) {
                    p.damagedRegions++;
                    p.damagedBytes += pos - damageStart;
                    // Serials start at 0 in every file, so a gap is exact even when the first record is lost.
                    long gap = version == VERSION ? ((r.serial() - lastSerial - 1) & 0xFFFFFFFFL) : -1;
                    p.damagedRecords += gap >= 0 && gap < 1_000_000 ? gap : Math.max(1, magicsInDamage);
                    damageStart = -1;
                    magicsInDamage = 0;
                }
                p.records.add(r);
                lastSerial = r.serial();
                pos = end;
                p.goodEnd = end;
                continue;
            }
            if (damageStart < 0) {
                damageStart = pos;
            }
            if (version == VERSION && pos + 4 <= n && getInt(f, pos) == RECORD_MAGIC) {
                magicsInDamage++;
            }
            pos++;
        }
        if (damageStart >= 0) {
            if (isTornTail(f, damageStart, version)) {
                p.tornTailBytes = n - damageStart;
            } else {
                p.damagedRegions++;
                p.damagedBytes += n - damageStart;
                p.damagedRecords += Math.max(1, magicsInDamage);
            }
        }
    }

    /** The end of a whole, checked version 2 record at {@code pos}, or -1. */
    private static int checkV2(byte[] f, int pos) {
        int n = f.length;
        if (n - pos < FRAME + PAYLOAD_HEAD || getInt(f, pos) != RECORD_MAGIC) {
            return -1;
        }
        int len = getInt(f, pos + 4);
        if (len < PAYLOAD_HEAD || len > MAX_PAYLOAD || len > n - pos - FRAME) {
            return -1;
        }
        byte type = f[pos + FRAME];
        if (type < ACCEPTED || type > RETRY) {
            return -1;
        }
        if (crc(f, pos + 4, 4, pos + FRAME, len) != getInt(f, pos + 8)) {
            return -1;
        }
        return pos + FRAME + len;
    }

    private static int checkV1(byte[] f, int pos) {
        int n = f.length;
        if (n - pos < FRAME_V1 + PAYLOAD_HEAD_V1) {
            return -1;
        }
        int len = getInt(f, pos);
        if (len < PAYLOAD_HEAD_V1 || len > MAX_PAYLOAD || len > n - pos - FRAME_V1) {
            return -1;
        }
        byte type = f[pos + FRAME_V1];
        if (type < ACCEPTED || type > ATTEMPT) {
            return -1;
        }
        CRC32C c = new CRC32C();
        c.update(f, pos + FRAME_V1, len);
        return (int) c.getValue() == getInt(f, pos + 4) ? pos + FRAME_V1 + len : -1;
    }

    /** A record that starts well and only runs past the end of the file: an append cut short. */
    private static boolean isTornTail(byte[] f, int start, int version) {
        int n = f.length;
        if (version != VERSION) {
            return n - start < FRAME_V1 || getInt(f, start) > n - start - FRAME_V1;
        }
        int have = Math.min(4, n - start);
        byte[] magic = {0x57, 0x35, 0x4F, 0x52};
        for (int i = 0; i < have; i++) {
            if (f[start + i] != magic[i]) {
                return false;
            }
        }
        if (n - start < 8) {
            return true;
        }
        int len = getInt(f, start + 4);
        return len >= PAYLOAD_HEAD && len <= MAX_PAYLOAD && len > n - start - FRAME;
    }

    private static boolean isHeaderPrefix(byte[] f) {
        byte[] h = header(VERSION);
        byte[] h1 = header(VERSION_1);
        boolean a = true;
        boolean b = true;
        for (int i = 0; i < f.length; i++) {
            a &= f[i] == h[i];
            b &= f[i] == h1[i];
        }
        return a || b;
    }

    private static int crc(byte[] b, int lenOff, int lenLen, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, lenOff, lenLen);
        c.update(b, off, len);
        return (int) c.getValue();
    }

    static int getInt(byte[] b, int off) {
        return ((b[off] & 0xFF) << 24) | ((b[off + 1] & 0xFF) << 16) | ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
    }

    static long getLong(byte[] b, int off) {
        return ((long) getInt(b, off) << 32) | (getInt(b, off + 4) & 0xFFFFFFFFL);
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) (v >>> 32));
        putInt(b, off + 4, (int) v);
    }
}
