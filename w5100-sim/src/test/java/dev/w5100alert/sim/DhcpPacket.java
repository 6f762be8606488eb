package dev.w5100alert.sim;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** Test-only DHCP client messages (RFC 2131) and a reader for the server's answers. */
final class DhcpPacket {
    static final int DISCOVER = 1, OFFER = 2, REQUEST = 3, DECLINE = 4, ACK = 5, NAK = 6, RELEASE = 7, INFORM = 8;
    static final byte[] MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

    private final int type;
    private final int xid;
    private byte[] mac = MAC;
    private int ciaddr;
    private boolean broadcast = true;
    private final ByteArrayOutputStream options = new ByteArrayOutputStream();

    DhcpPacket(int type, int xid) {
        this.type = type;
        this.xid = xid;
    }

    DhcpPacket mac(byte[] m) {
        mac = m;
        return this;
    }

    DhcpPacket ciaddr(int a) {
        ciaddr = a;
        return this;
    }

    DhcpPacket unicastReply() {
        broadcast = false;
        return this;
    }

    DhcpPacket option(int code, byte... value) {
        options.write(code);
        options.write(value.length);
        options.writeBytes(value);
        return this;
    }

    DhcpPacket ipOption(int code, int ip) {
        return option(code, (byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip);
    }

    /** Raw bytes appended after the options (e.g. a broken option), before the end option. */
    DhcpPacket raw(byte... b) {
        options.writeBytes(b);
        return this;
    }

    byte[] build() {
        byte[] p = new byte[300];
        p[0] = 1;
        p[1] = 1;
        p[2] = 6;
        put32(p, 4, xid);
        if (broadcast) {
            p[10] = (byte) 0x80;
        }
        put32(p, 12, ciaddr);
        System.arraycopy(mac, 0, p, 28, 6);
        put32(p, 236, 0x63825363);
        int at = 240;
        p[at++] = 53;
        p[at++] = 1;
        p[at++] = (byte) type;
        byte[] o = options.toByteArray();
        System.arraycopy(o, 0, p, at, o.length);
        at += o.length;
        p[at] = (byte) 255;
        return p;
    }

    static void put32(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 24);
        p[at + 1] = (byte) (v >>> 16);
        p[at + 2] = (byte) (v >>> 8);
        p[at + 3] = (byte) v;
    }

    static int get32(byte[] p, int at) {
        return ((p[at] & 0xFF) << 24) | ((p[at + 1] & 0xFF) << 16) | ((p[at + 2] & 0xFF) << 8) | (p[at + 3] & 0xFF);
    }

    /** A server answer, read with bounds checks. */
    record Reply(byte[] raw, int op, int xid, int flags, int ciaddr, int yiaddr, Map<Integer, byte[]> options) {
        static Reply of(byte[] p) {
            if (p.length < 240 || get32(p, 236) != 0x63825363) {
                throw new AssertionError("not a DHCP message: " + p.length + " bytes");
            }
            Map<Integer, byte[]> o = new LinkedHashMap<>();
            int i = 240;
            while (i < p.length && (p[i] & 0xFF) != 255) {
                if (p[i] == 0) {
                    i++;
                    continue;
                }
                int l = p[i + 1] & 0xFF;
                byte[] v = new byte[l];
                System.arraycopy(p, i + 2, v, 0, l);
                o.put(p[i] & 0xFF, v);
                i += 2 + l;
            }
            return new Reply(p, p[0] & 0xFF, get32(p, 4), ((p[10] & 0xFF) << 8) | (p[11] & 0xFF), get32(p, 12),
                    get32(p, 16), o);
        }

        int type() {
            return options.get(53)[0] & 0xFF;
        }

        int ipOption(int code) {
            return get32(options.get(code), 0);
        }
    }
}
